"""A real `genskills serve` process on a free loopback port, for the protocol tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from conftest import free_port


class Server:
    def __init__(self, *args: str, serve_args: tuple[str, ...] = (), env: dict | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = []
        command = [sys.executable, "-m", "genskills", *args, "serve", "--port", str(self.port), *serve_args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env={**os.environ, **(env or {})})
        # Read the server's output as it comes (one request log line per request): a pipe left
        # unread fills up and then blocks the server.
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("genskills serve did not start:\n" + "".join(self.log))
            time.sleep(0.2)

    def request(self, path: str, *, method: str = "GET", data: bytes | None = None,
                headers: dict | None = None, timeout: float = 60):
        """(status, headers, body) of one HTTP request; errors are answers, not exceptions."""
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read()

    def json(self, path: str, **kwargs):
        status, headers, body = self.request(path, **kwargs)
        return status, json.loads(body) if body else None

    def graph_sizes(self) -> dict[str, int]:
        """Quads per named graph, through /sparql: two calls differ when anything was written."""
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        status, body = self.json("/sparql?" + urllib.parse.urlencode({"query": query}))
        assert status == 200, body
        return {b["g"]["value"]: int(b["n"]["value"]) for b in body["results"]["bindings"]}

    def _drain(self) -> None:
        for line in self.process.stdout:
            self.log.append(line)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=20)
        if self.process.stdout:
            self.process.stdout.close()
