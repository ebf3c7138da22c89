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
import shutil
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import (BusyError, QueryError, QueryTimeoutError, ResultTooLargeError, StoreError)
from .results import QueryResult, Rendered, rendered
from .store import EndpointStore, query_worker


@dataclass(frozen=True)
class Limits:
    timeout: float = 5.0          # seconds a query may run
    max_rows: int = 10_000        # rows (or triples) a result may hold
    queue_wait: float = 10.0      # seconds a request may wait for a free worker
    memory_mb: int = 2048         # memory a query worker may use (its data segment)


class _Worker:
    def __init__(self, context, path: str, limits: Limits, generation: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=query_worker, args=(child, path, limits.max_rows, limits.memory_mb),
                                       daemon=True)
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
    """Query workers over checkpoints of the embedded store.

    Workers never open the live store: after start and after every write, the pool takes
    a checkpoint (``<store>.snapshots/<generation>``, hard links) and new workers open
    it read-only; a checkpoint is deleted when no worker uses it any more.
    """

    def __init__(self, store, *, workers: int = 2, limits: Limits = Limits()):
        self.store = store
        self.limits = limits
        self.size = workers
        self._context = multiprocessing.get_context("spawn")
        self._snapshots = Path(f"{store.path}.snapshots")
        shutil.rmtree(self._snapshots, ignore_errors=True)   # left by a server that was killed
        self._snapshots.mkdir(parents=True)
        self._lock = threading.Lock()
        self._closed = False
        self._generation = 0
        self._live: Counter[int] = Counter()
        self._take_checkpoint()
        # An idle slot holds a worker, or None: a worker to start on first use (after a
        # timeout or a failed start), so that a slot is never lost.
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(workers):
            self._idle.put(self._spawn_or_none())

    def _snapshot(self, generation: int) -> Path:
        return self._snapshots / str(generation)

    def _take_checkpoint(self) -> None:
        self.store.checkpoint(self._snapshot(self._generation))

    def _spawn(self) -> _Worker:
        with self._lock:
            generation = self._generation
            self._live[generation] += 1
        try:
            return _Worker(self._context, str(self._snapshot(generation)), self.limits, generation)
        except BaseException:
            self._retire(generation)
            raise

    def _spawn_or_none(self) -> _Worker | None:
        try:
            return self._spawn()
        except StoreError:
            return None

    def _retire(self, generation: int) -> None:
        """Count a worker of ``generation`` gone; delete its checkpoint if it was the last."""
        with self._lock:
            self._live[generation] -= 1
            unused = self._live[generation] <= 0 and generation != self._generation
        if unused:
            shutil.rmtree(self._snapshot(generation), ignore_errors=True)

    def _kill(self, worker: _Worker) -> None:
        worker.kill()
        self._retire(worker.generation)

    def _stop(self, worker: _Worker) -> None:
        worker.stop()
        self._retire(worker.generation)

    def live_workers(self) -> int:
        with self._lock:
            return sum(n for n in self._live.values() if n > 0)

    @property
    def generation(self) -> int:
        """Goes up with every write: answers of an older generation are stale."""
        with self._lock:
            return self._generation

    def query(self, sparql: str, *, default_graphs=None, named_graphs=None,
              wanted=None) -> QueryResult | Rendered:
        """The answer as a QueryResult, or written in the formats ``wanted`` names.

        ``wanted`` maps "results" and "graph" to a format key (or None): the worker then
        writes the answer with Oxigraph's own serializers, which is several times faster
        than sending rdflib terms across the pipe and writing them here.
        """
        try:
            worker = self._idle.get(timeout=self.limits.queue_wait)
        except queue.Empty:
            raise BusyError(f"all {self.size} query workers stayed busy for {self.limits.queue_wait:g} s; "
                            "try again later") from None
        try:
            if worker is None:
                worker = self._spawn()
            worker.conn.send((sparql, default_graphs, named_graphs, wanted))
            if not worker.conn.poll(self.limits.timeout):
                self._kill(worker)
                worker = None   # the next request starts a fresh one: this answer is not delayed
                raise QueryTimeoutError(f"the query ran longer than the {self.limits.timeout:g} s limit "
                                        "and was stopped")
            answer = worker.conn.recv()
            generation = worker.generation
        except (EOFError, OSError) as exc:
            if worker is not None:
                self._kill(worker)
            worker = None
            # The worker died under the query: most often it passed its memory limit (an
            # allocation failure aborts the process), sometimes the engine crashed.
            raise StoreError(f"the query stopped its worker process: it may need more than the "
                             f"{self.limits.memory_mb} MB a query may use ({type(exc).__name__})") from exc
        finally:
            self._give_back(worker)
        if answer[0] == "ok":
            return replace(answer[1], generation=generation) if isinstance(answer[1], Rendered) else answer[1]
        _, kind, message = answer
        if kind == "query":
            raise QueryError(message)
        if kind == "size":
            raise ResultTooLargeError(message)
        raise StoreError(message)

    def _give_back(self, worker: _Worker | None) -> None:
        with self._lock:
            stale = worker is not None and worker.generation != self._generation
            closed = self._closed
        if worker is not None and (closed or stale):
            self._stop(worker)
            worker = None
        if not closed:
            self._idle.put(worker)

    def refresh(self) -> None:
        """Take a new checkpoint and retire the workers of the old one.

        Idle workers are replaced lazily; busy ones when they finish.
        """
        with self._lock:
            self._generation += 1
        self._take_checkpoint()
        for _ in range(self._idle.qsize()):
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            self._give_back(worker)
        with self._lock:
            old = [g for g in self._live if g != self._generation and self._live[g] <= 0]
        for generation in old:
            shutil.rmtree(self._snapshot(generation), ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                self._stop(worker)
        shutil.rmtree(self._snapshots, ignore_errors=True)


class RemoteEngine:
    """Queries to a remote SPARQL endpoint, with the same limits."""

    def __init__(self, store: EndpointStore, *, limits: Limits = Limits(), concurrency: int = 2):
        self.store = store
        self.limits = limits
        self.size = concurrency
        # genskills stops waiting at the time limit, but only the endpoint can stop the
        # query itself: bound how many run there at once.
        self._slots = threading.BoundedSemaphore(concurrency)

    def live_workers(self) -> int:
        return self.size

    #: The remote data may change behind genskills' back: no answer is ever reused.
    generation = None

    def query(self, sparql: str, *, default_graphs=None, named_graphs=None,
              wanted=None) -> QueryResult | Rendered:
        if not self._slots.acquire(timeout=self.limits.queue_wait):
            raise BusyError(f"{self.size} queries are already running on the endpoint; try again later")
        try:
            result = self._query(sparql, default_graphs, named_graphs)
        finally:
            self._slots.release()
        return result if wanted is None else rendered(result, wanted)

    def _query(self, sparql: str, default_graphs, named_graphs) -> QueryResult:
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


class AnswerCache:
    """Answers of canned queries kept per store generation, least recently used out first.

    The store changes only through genskills' own writes, each of which raises the
    engine's generation: an answer cached for the current generation is exactly what
    running the query again would return. ``budget`` bounds the bytes held.
    """

    def __init__(self, budget: int = 64 * 1024 * 1024):
        self.budget = budget
        self._entries: OrderedDict[tuple, Rendered] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Rendered | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: tuple, answer: Rendered) -> None:
        size = len(answer.body or b"")
        if size > self.budget // 4:   # one huge answer must not flush all the others
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = answer
            self._size += size
            while self._size > self.budget:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body or b"")

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0
