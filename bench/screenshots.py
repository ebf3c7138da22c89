"""Screenshots and load timings of every page of the web interface, in headless Chromium.

    python bench/screenshots.py [--store DIR] [--out docs/screenshots] [--chromium /usr/bin/chromium]

Starts `genskills serve` on a free loopback port (over ``--store``, or a new temporary store
loaded with the shipped data), opens each page in French and English at a desktop width
(1280 px) and at a phone width (375 px), saves a full-page PNG of each, and prints a
Markdown table of the times: server time to first byte (from the Navigation Timing API) and
time until the page's `load` event, cold (first visit after start) and warm (second visit).
It also fails if a page asks for anything outside the server (no CDN, no external font).

Needs Debian's chromium (`apt-get install chromium`) and the Python package playwright
(installed by `pip install -e '.[test]'`); `playwright install` is not needed.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: (name, path): the pages a person visits, with realistic arguments.
PAGES = [
    ("home", "/"),
    ("search", "/courses?q=genomique&training_type=gskd:type-du"),
    ("search-facets", "/courses?region=gskd:region-11&competence=gskd:dom-bioinformatics"),
    ("course", "/id/course-uca-du-ia-sante"),
    ("competence", "/id/comp-variant-classification"),
    ("role", "/id/role-bioinformatician"),
    ("step", "/id/step-sequencing"),
    ("region", "/id/region-84"),
    ("institution", "/id/inst-universite-claude-bernard-lyon-1"),
    ("gaps", "/gaps"),
    ("path", "/path?role=gskd:role-bioinformatician&region=gskd:region-84&max_level=7"),
    ("query", "/query"),
    ("ontology", "/ontology"),
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 800}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(store: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "genskills", "--root", str(ROOT), "--store", str(store),
                                "serve", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit("genskills serve stopped:\n" + process.stdout.read().decode())
            time.sleep(0.3)
    process.kill()
    raise SystemExit("genskills serve did not answer /health within 300 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a store directory (default: a new one with the shipped data)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default=os.environ.get("GENSKILLS_CHROMIUM", "/usr/bin/chromium"))
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        store = options.store or Path(scratch) / "store"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(store, port)
        outside: list[str] = []
        rows = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=options.chromium, args=CHROMIUM_ARGS)
                for viewport_name, viewport in VIEWPORTS.items():
                    context = browser.new_context(viewport=viewport)
                    page = context.new_page()
                    page.on("request", lambda request: outside.append(request.url)
                            if not request.url.startswith(base) else None)
                    for name, path in PAGES:
                        for lang in ("fr", "en"):
                            url = base + path + (("&" if "?" in path else "?") + "lang=en" if lang == "en" else "")
                            timings = []
                            for _ in range(2):   # cold, then warm
                                page.goto(url, wait_until="load")
                                timings.append(page.evaluate(
                                    "() => { const n = performance.getEntriesByType('navigation')[0];"
                                    " return [n.responseStart - n.requestStart, n.loadEventStart - n.startTime]; }"))
                            if name == "query":   # the editor draws after load: wait for it
                                page.wait_for_selector("#yasgui .CodeMirror")
                            page.screenshot(path=str(options.out / f"{name}-{lang}-{viewport_name}.png"),
                                            full_page=True)
                            if viewport_name == "desktop":
                                rows.append((name, lang, path, timings))
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("| page | lang | server, cold (ms) | load, cold (ms) | server, warm (ms) | load, warm (ms) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, lang, path, ((server_cold, load_cold), (server_warm, load_warm)) in rows:
        print(f"| {name} `{path}` | {lang} | {server_cold:.0f} | {load_cold:.0f} | {server_warm:.0f} | {load_warm:.0f} |")
    print(f"\nscreenshots: {options.out} ({len(rows) * len(VIEWPORTS)} PNG files)")
    if outside:
        raise SystemExit(f"requests outside the server: {sorted(set(outside))}")


if __name__ == "__main__":
    main()
