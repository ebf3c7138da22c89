"""The floor of genskills' HTTP stack: ASK {} throughput of a do-nothing Flask app on waitress,
of `genskills serve` (/sparql) and of `oxigraph serve`, measured with the same client.

Run:  .venv/bin/python bench/http_floor.py --store STORE [--seconds 5] [--clients 1,4]

STORE is a genskills store built with `genskills load` (the figures hardly depend on its
size: ASK {} reads nothing). Prints queries per second per server and client count.
"""

from __future__ import annotations

import argparse
import http.client
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import free_port, oxigraph_binary  # noqa: E402

PATH = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
FLASK_APP = """
import sys
from flask import Flask, Response
from waitress import serve
app = Flask(__name__)
@app.route("/sparql")
def sparql():
    return Response(b'{"head":{},"boolean":true}', mimetype="application/sparql-results+json")
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, _quiet=True)
"""


def ask(connection: http.client.HTTPConnection, port: int) -> None:
    connection.request("GET", PATH, headers={"Accept": "application/sparql-results+json"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"port {port}: HTTP {response.status}")


def throughput(port: int, clients: int, seconds: float) -> float:
    counts = [0] * clients
    errors: list[Exception] = []

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                ask(connection, port)
                counts[index] += 1
        except Exception as exc:  # reported by the caller: a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"port {port}: {errors[0]}")
    return sum(counts) / seconds


def wait_ready(port: int, deadline_s: float = 120) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            ask(http.client.HTTPConnection("127.0.0.1", port, timeout=5), port)
            return
        except (OSError, RuntimeError, http.client.HTTPException):
            time.sleep(0.3)
    raise RuntimeError(f"no server on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", default="1,4")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="genskills-floor-") as folder:
        ports = {"flask+waitress (fixed answer)": free_port(), "genskills /sparql": free_port(),
                 "oxigraph serve": free_port()}
        app = Path(folder) / "app.py"
        app.write_text(FLASK_APP, encoding="utf-8")
        servers = [
            subprocess.Popen([sys.executable, str(app), str(ports["flask+waitress (fixed answer)"])]),
            subprocess.Popen([sys.executable, "-m", "genskills", "--store", str(args.store), "serve", "--port",
                              str(ports["genskills /sparql"])], stdout=subprocess.DEVNULL),
            subprocess.Popen([oxigraph_binary(), "serve", "--location", str(Path(folder) / "oxigraph"), "--bind",
                              f"127.0.0.1:{ports['oxigraph serve']}"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL),
        ]
        try:
            for name, port in ports.items():
                try:
                    wait_ready(port)
                except RuntimeError as exc:
                    raise RuntimeError(f"{name} did not start: {exc}") from None
            for clients in (int(c) for c in args.clients.split(",")):
                figures = ", ".join(f"{name} {throughput(port, clients, args.seconds):,.0f} q/s"
                                    for name, port in ports.items())
                print(f"{clients} client(s): {figures}")
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
