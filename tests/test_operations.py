"""Operations: a bad setting stops `genskills serve` at start, naming the setting; /health says
whether a query gets through to the store, and says so again when the store comes back."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from conftest import free_port, start_oxigraph
from server import Server


def serve(tmp_path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "genskills", "--store", str(tmp_path / "store"), "serve", *args],
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("env,named", [
    ({"GENSKILLS_PORT": "abc"}, "setting port (GENSKILLS_PORT) must be a whole number, got 'abc'"),
    ({"GENSKILLS_PORT": "-1"}, "setting port (GENSKILLS_PORT) must be at least 0"),
    ({"GENSKILLS_THREADS": "0"}, "setting threads (GENSKILLS_THREADS) must be at least 1"),
    ({"GENSKILLS_QUERY_WORKERS": "two"}, "setting query_workers (GENSKILLS_QUERY_WORKERS) must be a whole number"),
    ({"GENSKILLS_QUERY_TIMEOUT": "0"}, "setting query_timeout (GENSKILLS_QUERY_TIMEOUT) must be between 0 and 3600"),
    ({"GENSKILLS_QUERY_TIMEOUT": "soon"}, "setting query_timeout (GENSKILLS_QUERY_TIMEOUT) must be a number"),
    ({"GENSKILLS_QUERY_MEMORY_MB": "10"}, "setting query_memory_mb (GENSKILLS_QUERY_MEMORY_MB) must be at least 64"),
    ({"GENSKILLS_MAX_ROWS": "0"}, "setting max_rows (GENSKILLS_MAX_ROWS) must be at least 1"),
    ({"GENSKILLS_UPDATE_TOKEN": "short"}, "setting update_token (GENSKILLS_UPDATE_TOKEN) must be at least 16"),
    ({"GENSKILLS_ENDPOINT": "ftp://example.org/sparql"}, "setting endpoint (GENSKILLS_ENDPOINT) must be an http(s) URL"),
    ({"GENSKILLS_ROOT": "/no/such/folder"}, "setting root (GENSKILLS_ROOT): /no/such/folder is not a folder"),
])
def test_a_bad_setting_stops_the_server_at_start_naming_it(tmp_path, env, named):
    done = serve(tmp_path, "--port", "0", env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert named in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "store").exists(), "nothing is built before the settings are checked"


@pytest.mark.parametrize("text,named", [
    ('query_timeout = "x"\n', "query_timeout (GENSKILLS_QUERY_TIMEOUT) must be a number, got 'x'"),
    ("bogus = 1\n", "unknown setting(s) bogus"),
    ("query_timeout = \n", "line 1, column"),
])
def test_a_bad_configuration_file_is_named_with_the_setting_or_line(tmp_path, text, named):
    config = tmp_path / "genskills.toml"
    config.write_text(text, encoding="utf-8")
    done = serve(tmp_path, env={"GENSKILLS_CONFIG": str(config)})
    assert done.returncode == 2 and named in done.stderr and str(config) in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_port_in_use_is_named(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = serve(tmp_path, "--port", str(port))
    assert done.returncode == 2, done.stderr
    assert f"GENSKILLS_PORT): cannot listen on 127.0.0.1:{port}" in done.stderr and "in use" in done.stderr
    assert "Traceback" not in done.stderr


def test_health_follows_the_store_away_and_back(tmp_path):
    port = free_port()
    oxigraph, base = start_oxigraph(port)
    server = None
    try:
        server = Server("--store", f"{base}/query", serve_args=("--query-timeout", "3"),
                        env={"GENSKILLS_UPDATE_ENDPOINT": f"{base}/update"})
        status, body = server.json("/health")
        assert status == 200 and body["ok"] is True
        oxigraph.terminate()
        oxigraph.wait(timeout=10)
        oxigraph.stderr.close()
        status, headers, answer = server.request("/health")
        assert status == 503 and headers["Retry-After"] == "1"
        assert b"not ready" in answer
        assert server.request("/api/queries/care-pathway-steps")[0] == 503
        # The endpoint comes back (empty): ready again, without a restart of genskills.
        oxigraph, _ = start_oxigraph(port)
        deadline = time.monotonic() + 30
        while server.json("/health")[0] != 200:
            assert time.monotonic() < deadline, "/health did not come back"
            time.sleep(0.2)
    finally:
        if server is not None:
            server.stop()
        oxigraph.terminate()
        oxigraph.wait(timeout=10)
        oxigraph.stderr.close()


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "genskills.example.org",
             "X-Forwarded-For": "203.0.113.7", "Accept": "text/turtle"}


@pytest.mark.parametrize("trusted", [True, False])
def test_forwarded_headers_are_believed_only_from_the_trusted_proxy(tmp_path, trusted):
    """Behind a proxy the links name the public https address and the log the real client;
    without the setting, anyone sending those headers changes neither."""
    env = {"GENSKILLS_TRUSTED_PROXY": "127.0.0.1"} if trusted else {}
    server = Server("--store", str(tmp_path / "store"), env=env)
    try:
        _, _, description = server.request("/sparql", headers=FORWARDED)
        _, document = server.json("/api/openapi.json", headers=FORWARDED)
    finally:
        server.stop()
    records = [json.loads(line) for line in server.log if line.startswith("{")]
    client = next(r["client"] for r in records if r["route"] == "/api/openapi.json")
    if trusted:
        assert b"<https://genskills.example.org/sparql>" in description
        assert document["servers"] == [{"url": "https://genskills.example.org"}]
        assert client == "203.0.113.7"
    else:
        assert b"genskills.example.org" not in description and b"<http://127.0.0.1:" in description
        assert document["servers"] == [{"url": server.base}]
        assert client == "127.0.0.1"
