"""`genskills serve`: the store, the query engine and the app, behind waitress."""

from __future__ import annotations

import logging
import signal
import sys

from ..engine import AnswerCache, Limits, RemoteEngine, WorkerPool
from ..errors import ConfigError
from ..loading import load_sources
from ..queries import load_queries
from ..store import EndpointStore, open_store


def build(settings, *, progress=lambda step: None):
    """The store, engine and canned queries the settings describe; loads an empty store first."""
    store = open_store(settings)
    if not store.graph_names():
        progress("the store is empty: loading the shipped data")
        load_sources(store, settings.root, progress=progress)
    # A request waits for a free worker at most as long as a query may run.
    limits = Limits(timeout=settings.query_timeout, max_rows=settings.max_rows,
                    queue_wait=settings.query_timeout, memory_mb=settings.query_memory_mb)
    if isinstance(store, EndpointStore):
        engine = RemoteEngine(store, limits=limits, concurrency=settings.query_workers)
    else:
        engine = WorkerPool(store, workers=settings.query_workers, limits=limits)
    queries = load_queries(settings.root / "queries")
    return store, engine, queries


def serve(settings, *, progress=lambda step: None) -> None:
    from waitress import create_server

    from . import create_app

    store, engine, queries = build(settings, progress=progress)
    app = create_app(settings, store=store, engine=engine, queries=queries,
                     answers=AnswerCache(budget=settings.answer_cache_mb * 1024 * 1024))
    # Behind a reverse proxy, the client's address, the scheme (https) and the public host come
    # in X-Forwarded-* headers: believed only from the proxy's address, and only then (else
    # anyone could claim any address in the logs, or make the links point elsewhere).
    forwarded = ({"trusted_proxy": settings.trusted_proxy, "trusted_proxy_count": 1,
                  "trusted_proxy_headers": "x-forwarded-for x-forwarded-host x-forwarded-proto x-forwarded-port",
                  "clear_untrusted_proxy_headers": True} if settings.trusted_proxy else {})
    try:
        server = create_server(app, host=settings.host, port=settings.port, threads=settings.threads,
                               ident="genskills", **forwarded)
    except OSError as exc:   # the address is taken, or not one of this machine's
        engine.close()
        raise ConfigError(f"settings host and port (GENSKILLS_HOST, GENSKILLS_PORT): cannot listen on "
                          f"{settings.host}:{settings.port}: {exc.strerror or exc}") from None
    logging.getLogger("waitress").setLevel(logging.WARNING)
    access = logging.getLogger("genskills.access")
    if not access.handlers:   # one JSON object per line on standard error, for log collectors
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False

    stopping = []

    def stop(signum, frame):
        stopping.append(signum)
        server.close()

    signal.signal(signal.SIGTERM, stop)
    host, port = server.effective_host, server.effective_port
    print(f"genskills serving {store.description} at http://{host}:{port}/sparql "
          f"(canned queries: http://{host}:{port}/api/queries)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    except OSError:
        if not stopping:   # closing the sockets under the loop ends it with EBADF: expected
            raise
    finally:
        engine.close()
        print("genskills stopped", file=sys.stderr, flush=True)
