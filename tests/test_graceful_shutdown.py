"""SIGTERM during a stream of writes: the server stops cleanly and loses no acknowledged write."""

from __future__ import annotations

import signal
import threading
import time

from server import Server
from test_course_api import AUTH, TOKEN, TURTLE, course, sparql_count


def test_sigterm_during_writes_keeps_every_acknowledged_write(tmp_path):
    store = tmp_path / "store"
    env = {"GENSKILLS_UPDATE_TOKEN": TOKEN}
    running = Server("--store", str(store), env=env)
    acknowledged: list[str] = []
    attempted: list[str] = []
    stop = threading.Event()

    def write_stream():
        for number in range(1, 200):
            if stop.is_set():
                return
            course_id = f"course-term-{number}"
            attempted.append(course_id)
            try:
                status, _, _ = running.request(f"/api/courses/{course_id}", method="PUT", data=course(course_id),
                                               headers={**AUTH, **TURTLE}, timeout=30)
            except OSError:
                return   # the server has gone: this write was never acknowledged
            if status == 201:
                acknowledged.append(course_id)

    writer = threading.Thread(target=write_stream)
    writer.start()
    try:
        deadline = time.monotonic() + 120
        while len(acknowledged) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(acknowledged) >= 3, running.log
        running.process.send_signal(signal.SIGTERM)
        code = running.process.wait(timeout=60)
        stop.set()
        writer.join(60)
    finally:
        stop.set()
        running.stop()
    assert code == 0, "".join(running.log)[-2000:]
    assert "genskills stopped" in "".join(running.log)

    again = Server("--store", str(store), env=env)
    try:
        full = sparql_count(again, acknowledged[0])
        assert full > 10
        for course_id in acknowledged:
            assert sparql_count(again, course_id) == full, f"acknowledged {course_id} is missing or partial"
        # A write cut by the stop is either all there or not at all.
        for course_id in attempted[len(acknowledged):]:
            assert sparql_count(again, course_id) in (0, full), course_id
    finally:
        again.stop()
