"""A pool of extraction worker processes for the crawl: extraction is CPU-bound, and in a Scrapy
callback it would run on the reactor thread, stalling downloads and leaving other cores idle.

Each worker is a process with a pipe; the pool hands one page at a time to an idle worker and
reads results on the asyncio loop. A worker that dies (crash, out of memory) or takes longer than
the timeout on a pathological page is killed and replaced, and only that page is rejected.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from crawler import prepare as steps
from crawler.forkserver import forkserver_context
from crawler.extract import Rejection
from crawler.extract.record import DETAIL_CHARS

logger = logging.getLogger(__name__)


class WorkerFailed(Exception):
    """The worker extracting a page died or overran its time; `reason` is the reject reason."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


# What a worker runs (crawler.prepare): a whole page, one part of a multi-page story, a joined story.
TASKS = {"prepare": steps.prepare, "extract_page": steps.extract_page, "prepare_story": steps.prepare_story}


def _serve(conn: Connection) -> None:
    """Worker loop: says it is ready, then (task name, args) in, its result out; None stops it.
    SIGINT/SIGTERM are ignored: Ctrl-C and systemd signal the whole process group, and the crawl
    process, stopping cleanly, still needs the pages in flight; it closes the pool itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if task is None:
            return
        name, args = task
        try:
            result = TASKS[name](*args)
        except Exception as exc:  # a bug on one page must not take the worker down
            result = Rejection(url=_url_of(name, args), reason="extract_error", detail=repr(exc)[:DETAIL_CHARS])
        conn.send(result)


def _url_of(name: str, args: tuple) -> str:
    return args[0][0].url if name == "prepare_story" else args[1]


@dataclass
class _Task:
    id: int
    name: str  # a TASKS key
    args: tuple
    future: asyncio.Future
    started: float = 0.0  # when the worker began it (the one before it had finished)


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: Connection
    in_flight: deque[_Task] = field(default_factory=deque)
    pages: int = 0
    ready: bool = False  # imports done: page timeouts count from here
    retiring: bool = False  # recycled once its in-flight pages are back


class ExtractionPool:
    """`await pool.run(name, *args)` runs a step of crawler.prepare (TASKS) in a worker process;
    `await pool.prepare(html, url, hints, now)` the whole of it for one page.

    Each worker holds up to PREFETCH pages (the next one waits in its pipe), so it never idles
    while the crawl's main thread is busy; the timeout of a page runs from when its worker
    starts it."""

    PREFETCH = 2

    def __init__(self, size: int, timeout: float, max_pages_per_worker: int = 2000) -> None:
        self.size = size
        self.timeout = timeout
        self.max_pages_per_worker = max_pages_per_worker  # recycle workers: bounded memory
        self.context = forkserver_context()
        self.loop = asyncio.get_event_loop()
        self.queue: deque[_Task] = deque()
        self.ids = itertools.count()
        self.workers: list[_Worker] = []
        self.replaced = 0
        self.ran_here = 0  # tasks run in the calling process before the first worker was ready
        self.warm = False  # a worker has been ready: from then on every task waits for one
        self.closed = False
        self.boot_error: BaseException | None = None
        # Starting the forkserver (it imports the extraction code) and forking the workers takes
        # about half a second: a thread does it while the reactor goes on with discovery.
        self.booting = threading.Thread(target=self._boot, name="news-extract-boot", daemon=True)
        self.booting.start()

    def _boot(self) -> None:
        try:
            for _ in range(self.size):
                started = self._start_process()
                self.loop.call_soon_threadsafe(self._attach, *started)
        except Exception as exc:  # no fork, no memory: every page waiting or to come is rejected
            logger.error("could not start extraction workers: %r", exc)
            self.loop.call_soon_threadsafe(self._boot_failed, exc)

    def _start_process(self) -> tuple[multiprocessing.Process, Connection]:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(child,), daemon=True, name="news-extract")
        process.start()
        child.close()
        return process, parent

    def _attach(self, process: multiprocessing.Process, conn: Connection) -> _Worker | None:
        """Adopt a started worker process (on the loop's thread)."""
        if self.closed:  # the crawl ended while it started
            conn.close()
            process.kill()
            process.join(timeout=5)
            return None
        worker = self._watch(process, conn)
        self.workers.append(worker)
        return worker

    def _boot_failed(self, exc: BaseException) -> None:
        """No (further) worker could start: pages asked for from now on, with no worker, are rejected.
        (None waits in the queue: until a worker is ready, pages are extracted in the calling thread.)"""
        self.boot_error = exc

    def _spawn(self) -> _Worker:
        return self._watch(*self._start_process())

    def _watch(self, process: multiprocessing.Process, conn: Connection) -> _Worker:
        """A worker whose results the loop reads as they come."""
        worker = _Worker(process, conn)
        self.loop.add_reader(conn.fileno(), self._on_readable, worker)
        return worker

    async def prepare(self, html: str | bytes, url: str, hints: dict | None = None, now=None):
        """crawler.prepare.prepare in a worker: the stored form of the page's story, or a Rejection."""
        return await self.run("prepare", html, url, hints or {}, now)

    async def run(self, name: str, *args: Any, urgent: bool = False):
        """The result of TASKS[name](*args), computed in a worker; here, in the calling thread,
        until the first worker is ready (the crawl's first pages do not wait ~0.5 s for them; a
        worker replaced later is waited for, with the page timeout that protects the reactor). An
        `urgent` task (a listing page, whose links the crawl waits for) goes ahead of the queued ones."""
        if name not in TASKS:
            raise ValueError(f"unknown task {name!r} (known: {', '.join(TASKS)})")
        if self.boot_error is not None and not self.workers:
            raise WorkerFailed("worker_crashed", f"no extraction worker started: {self.boot_error!r}")
        if not self.warm and self.boot_error is None:
            self.ran_here += 1
            return TASKS[name](*args)  # the workers are still starting: the crawl's first pages do not wait
        task = _Task(next(self.ids), name, args, self.loop.create_future())
        if urgent:
            self.queue.appendleft(task)
        else:
            self.queue.append(task)
        self._dispatch()
        return await task.future

    def _dispatch(self) -> None:
        """Hand queued pages to ready workers, the least loaded first."""
        while self.queue:
            open_workers = [w for w in self.workers
                            if w.ready and not w.retiring and len(w.in_flight) < self.PREFETCH]
            if not open_workers:
                return
            worker = min(open_workers, key=lambda w: len(w.in_flight))
            task = self.queue.popleft()
            if task.future.cancelled():
                continue
            try:
                worker.conn.send((task.name, task.args))
            except (BrokenPipeError, OSError):
                self.queue.appendleft(task)
                self._replace(worker, WorkerFailed("worker_crashed", "worker pipe closed"))
                continue
            worker.in_flight.append(task)
            if len(worker.in_flight) == 1:
                self._start(worker, task)

    def _start(self, worker: _Worker, task: _Task) -> None:
        task.started = time.monotonic()
        self.loop.call_later(self.timeout, self._check_timeout, worker, task.id)

    def _on_readable(self, worker: _Worker) -> None:
        try:
            result = worker.conn.recv()
        except (EOFError, OSError):
            code = worker.process.exitcode
            self._replace(worker, WorkerFailed("worker_crashed", f"extraction worker died (exit code {code})"))
            return
        if not worker.ready:  # the "ready" message of a fresh worker
            worker.ready = self.warm = True
            self._dispatch()
            return
        task = worker.in_flight.popleft()
        worker.pages += 1
        if not task.future.done():
            task.future.set_result(result)
        if worker.in_flight:
            self._start(worker, worker.in_flight[0])
        if worker.pages >= self.max_pages_per_worker:
            worker.retiring = True
        if worker.retiring and not worker.in_flight:
            self._replace(worker, None)
        self._dispatch()

    def _check_timeout(self, worker: _Worker, task_id: int) -> None:
        if worker in self.workers and worker.in_flight and worker.in_flight[0].id == task_id:
            self._replace(worker, WorkerFailed(
                "extract_timeout", f"extraction took over {self.timeout:.0f} s; worker replaced"))

    def _replace(self, worker: _Worker, failure: WorkerFailed | None) -> None:
        """Stop `worker` (killing it if it failed), fail the page it was on, put the pages waiting
        in its pipe back in the queue, and start a fresh worker."""
        self.loop.remove_reader(worker.conn.fileno())
        if failure is not None:
            logger.warning("%s", failure)
            self.replaced += 1
            if worker.in_flight:
                task = worker.in_flight.popleft()
                if not task.future.done():
                    task.future.set_exception(failure)
            self.queue.extendleft(reversed(worker.in_flight))  # not started: they go again
            worker.in_flight.clear()
            worker.process.kill()
        else:
            try:
                worker.conn.send(None)
            except OSError:
                worker.process.kill()
        worker.conn.close()
        worker.process.join(timeout=5)
        self.workers[self.workers.index(worker)] = self._spawn()
        self._dispatch()

    def close(self) -> None:
        self.closed = True
        self.booting.join()  # workers it starts from now on are stopped as they are adopted
        for worker in self.workers:
            self.loop.remove_reader(worker.conn.fileno())
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
            worker.conn.close()
        for task in self.queue:
            if not task.future.done():
                task.future.cancel()
