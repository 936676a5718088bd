"""Jobs run in worker processes, each under a time limit.

A crafted or pathological file can keep the parser busy for hours (pdfminer interprets a PDF's
content streams in pure Python), and a nightly run must not wait on one document: a worker past
the limit is killed and replaced, and its job comes back as a `timeout` fault. A worker that dies
(killed for memory, a crash in a C library) costs its job alone, as `worker_died`. The workers
also keep every core busy, which a year of PDF attachments at 50-500 ms each needs. Each worker
has a cap on its address space, so a document that makes a library allocate without bound gets
MemoryError in its own process instead of the kernel's OOM killer choosing a victim.

The crawler gets a ceiling of its own (`address_space_ceiling`): its caps bound each body as it
streams, and the ceiling bounds whatever they miss.

Workers are spawned, not forked: the parent may be a Dagster process with threads (DuckDB,
gRPC), and forking a process with threads is unsafe.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

DEFAULT_TIMEOUT = 300.0  # seconds per job: a 300-page PDF parses in about a minute
# Address space per worker: a job past it gets MemoryError in its own process, and the machine
# keeps its memory (a worker parsing a report needs well under 1 GiB).
DEFAULT_MEMORY_LIMIT = 4 * 1024 ** 3
# What a crawl may map on top of what its process holds when it starts: bodies are capped as they
# stream (tens of MiB each), so a crawl past this is a leak or a decoder the caps missed.
CRAWL_MEMORY_HEADROOM = 4 * 1024 ** 3
STARTUP_LIMIT = 120.0  # seconds for a new worker to import what it runs
_READY = "ready"

J = TypeVar("J")
R = TypeVar("R")


class WorkerStartError(RuntimeError):
    """A worker died before it could take a job: the environment is at fault, not a document
    (a script that starts a pool outside an `if __name__ == "__main__":` guard, a broken install)."""


@dataclass(frozen=True)
class Fault:
    """A job that ended without a result of its own."""

    reason: str  # "timeout" or "worker_died"
    message: str


def default_workers() -> int:
    """One worker per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _serve(conn: Connection, work: Callable[[Any], Any], memory_limit: int | None) -> None:
    """A worker's loop: a job in, its result out, until the pool closes the pipe. It says when it
    is ready, so the time limit counts the job, not the imports that start a process."""
    if memory_limit is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        conn.send(_READY)
        while True:
            conn.send(work(conn.recv()))
    except (EOFError, BrokenPipeError):  # the pool closed the pipe: nothing more to do
        return


@contextlib.contextmanager
def address_space_ceiling(headroom: int) -> Generator[None, None, None]:
    """While the block runs, this process may map at most `headroom` bytes more than it holds now:
    past that, an allocation raises MemoryError here rather than the kernel's OOM killer choosing
    a victim. Relative, not absolute, because the same code runs in processes that already map a
    lot (Dagster, DuckDB, Polars thread pools). The earlier limit is back after the block."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc (not Linux): no ceiling
        yield
        return
    ceiling = min(limit for limit in (mapped + headroom, soft, hard) if limit != resource.RLIM_INFINITY)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class _Worker:
    def __init__(self, context: Any, work: Callable[[Any], Any], memory_limit: int | None) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work, memory_limit), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.tag: object = None
        self.deadline = time.monotonic() + STARTUP_LIMIT  # until ready; then the job's limit

    def start_clock(self, timeout: float) -> None:
        if self.ready:
            self.deadline = time.monotonic() + timeout

    def stop(self, kill: bool = False) -> None:
        self.conn.close()  # an idle worker reads EOF and returns
        if kill:
            self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class WorkerPool(Generic[J, R]):
    """`size` processes running `work` (a module-level function: spawned workers import it), one
    job each at a time, each within `memory_limit` bytes of address space (None: no limit).
    Submit while `idle`; `next_done` waits for the next job to end."""

    def __init__(self, work: Callable[[J], R], size: int, timeout: float = DEFAULT_TIMEOUT,
                 memory_limit: int | None = DEFAULT_MEMORY_LIMIT) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._work = work
        self._timeout = timeout
        self._memory_limit = memory_limit
        # A slot whose worker was stopped stays empty until a job needs it.
        self._workers: list[_Worker | None] = [self._start() for _ in range(max(1, size))]

    def __enter__(self) -> WorkerPool[J, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self._workers:
            if worker is not None:
                worker.stop(kill=worker.tag is not None)

    def _start(self) -> _Worker:
        return _Worker(self._context, self._work, self._memory_limit)

    @property
    def idle(self) -> bool:
        return self._free_slot() is not None

    def _free_slot(self) -> int | None:
        """A slot with no job: an idle worker, or an empty slot a job would start one in."""
        return next((i for i, worker in enumerate(self._workers) if worker is None or worker.tag is None), None)

    @property
    def busy(self) -> bool:
        return bool(self._running())

    def _running(self) -> list[tuple[int, _Worker]]:
        return [(i, worker) for i, worker in enumerate(self._workers) if worker is not None and worker.tag is not None]

    def submit(self, tag: object, job: J) -> None:
        """Start `job` on an idle worker; `tag` comes back with its result."""
        index = self._free_slot()
        if index is None:
            raise RuntimeError("submit with every worker busy")
        worker = self._workers[index]
        if worker is None:
            worker = self._workers[index] = self._start()
        try:
            worker.conn.send(job)
        except (BrokenPipeError, OSError):  # it died while idle: a fresh one takes the job
            worker.stop(kill=True)
            worker = self._workers[index] = self._start()
            worker.conn.send(job)
        worker.tag = tag
        worker.start_clock(self._timeout)

    def next_done(self) -> tuple[object, R | Fault]:
        """(tag, result) of the next job to end: its own result, or a Fault where its worker ran
        past the time limit (killed) or died. Raises WorkerStartError where a worker cannot start."""
        while True:
            busy = self._running()
            if not busy:
                raise RuntimeError("next_done with no job running")
            first_deadline = min(worker.deadline for _, worker in busy)
            ready = wait([worker.conn for _, worker in busy], timeout=max(0.0, first_deadline - time.monotonic()))
            for i, worker in busy:
                if worker.conn in ready:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.process.join(5)
                        if not worker.ready:
                            raise WorkerStartError(f"a worker process exited (code {worker.process.exitcode}) "
                                                   "before it could take a job; see its error above") from None
                        return self._finish(i, worker, Fault("worker_died", "the worker process died "
                                                     f"(exit code {worker.process.exitcode})"), stop=True)
                    if not worker.ready:  # a worker's first message is always _READY
                        worker.ready = True
                        worker.start_clock(self._timeout)
                        continue
                    return self._finish(i, worker, message)
            now = time.monotonic()
            for i, worker in busy:
                if worker.deadline > now:
                    continue
                if not worker.ready:
                    raise WorkerStartError(f"a worker process did not start within {STARTUP_LIMIT:g} seconds")
                return self._finish(i, worker, Fault("timeout", f"still running after the {self._timeout:g}-second "
                                                     "limit; stopped"), stop=True)

    def map_unordered(self, jobs: Iterable[tuple[object, J]]) -> Iterator[tuple[object, R | Fault]]:
        """(tag, result) of every (tag, job), in the order they end, the workers kept busy."""
        pending = iter(jobs)
        more = True
        while True:
            while more and self.idle:
                job = next(pending, None)
                if job is None:
                    more = False
                else:
                    self.submit(*job)
            if not self.busy:
                return
            yield self.next_done()

    def _finish(self, index: int, worker: _Worker, result: R | Fault, stop: bool = False) -> tuple[object, R | Fault]:
        tag, worker.tag = worker.tag, None
        if stop:
            worker.stop(kill=True)
            self._workers[index] = None
        return tag, result
