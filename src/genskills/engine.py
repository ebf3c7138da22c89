"""Running queries under limits: a time limit, a maximum result size, a pool of workers.

``WorkerPool`` answers queries on the embedded store from child processes that open it
read-only. A query that runs past the time limit is stopped by killing its worker (the
native query engine cannot be interrupted from Python), and a fresh worker takes its
place, so the server keeps answering. After a write, every worker is replaced so that
the next queries see the new data.

``RemoteEngine`` sends queries to a remote SPARQL endpoint with the same limits.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass

from .errors import (BusyError, QueryError, QueryTimeoutError, ResultTooLargeError, StoreError)
from .results import QueryResult
from .store import EndpointStore, query_worker


@dataclass(frozen=True)
class Limits:
    timeout: float = 5.0          # seconds a query may run
    max_rows: int = 10_000        # rows (or triples) a result may hold
    queue_wait: float = 10.0      # seconds a request may wait for a free worker


class _Worker:
    def __init__(self, context, path: str, max_rows: int, generation: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=query_worker, args=(child, path, max_rows), daemon=True)
        self.process.start()
        child.close()
        self.generation = generation
        if not self.conn.poll(60):
            self.kill()
            raise StoreError("a query worker did not start within 60 s")
        ready = self.conn.recv()
        if ready[0] != "ready":
            self.kill()
            raise StoreError(ready[2])

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Query workers over the on-disk store at ``path``."""

    def __init__(self, path, *, workers: int = 2, limits: Limits = Limits()):
        self.path = str(path)
        self.limits = limits
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._closed = False
        self.size = workers
        for _ in range(workers):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        return _Worker(self._context, self.path, self.limits.max_rows, self._generation)

    def query(self, sparql: str, *, default_graphs=None, named_graphs=None) -> QueryResult:
        try:
            worker = self._idle.get(timeout=self.limits.queue_wait)
        except queue.Empty:
            raise BusyError(f"all {self.size} query workers stayed busy for {self.limits.queue_wait:g} s; "
                            "try again later") from None
        try:
            worker.conn.send((sparql, default_graphs, named_graphs))
            if not worker.conn.poll(self.limits.timeout):
                worker.kill()
                worker = self._spawn()
                raise QueryTimeoutError(f"the query ran longer than the {self.limits.timeout:g} s limit "
                                        "and was stopped")
            answer = worker.conn.recv()
        except (EOFError, OSError) as exc:
            worker.kill()
            worker = self._spawn()
            raise StoreError(f"a query worker failed: {exc}") from exc
        finally:
            self._give_back(worker)
        if answer[0] == "ok":
            return answer[1]
        _, kind, message = answer
        if kind == "query":
            raise QueryError(message)
        if kind == "size":
            raise ResultTooLargeError(message)
        raise StoreError(message)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            stale = worker.generation != self._generation
            closed = self._closed
        if closed:
            worker.stop()
            return
        if stale:
            worker.stop()
            worker = self._spawn()
        self._idle.put(worker)

    def refresh(self) -> None:
        """Replace every worker, so that queries see what was written since they started."""
        with self._lock:
            self._generation += 1
        for _ in range(self._idle.qsize()):
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            self._give_back(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break


class RemoteEngine:
    """Queries to a remote SPARQL endpoint, with the same limits."""

    def __init__(self, store: EndpointStore, *, limits: Limits = Limits()):
        self.store = store
        self.limits = limits
        self.size = 0

    def query(self, sparql: str, *, default_graphs=None, named_graphs=None) -> QueryResult:
        started = time.monotonic()
        try:
            result = self.store.query(sparql, default_graphs=default_graphs, named_graphs=named_graphs,
                                      timeout=self.limits.timeout)
        except StoreError as exc:
            if time.monotonic() - started >= self.limits.timeout * 0.95 or "timed out" in str(exc):
                raise QueryTimeoutError(f"the endpoint did not answer within the {self.limits.timeout:g} s "
                                        "limit") from exc
            raise
        size = len(result.graph) if result.kind == "graph" else len(result.rows)
        if size > self.limits.max_rows:
            raise ResultTooLargeError(f"the result has more than {self.limits.max_rows} rows: "
                                      "add a LIMIT, or narrow the query")
        return result

    def refresh(self) -> None:
        pass

    def close(self) -> None:
        pass
