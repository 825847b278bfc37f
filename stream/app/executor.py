"""Runs `process_batch` in a child process so spaCy never blocks the event loop, within a deadline.

One process holds the model (spawned, not forked: the worker already runs
threads) and takes batches in order over a pipe.  A batch that runs past the
deadline has the process killed and replaced; so has a process that dies (OOM,
segfault).  The batch it was working on is then retried one message at a time,
so only the message that overruns or kills it again becomes a dead letter
(`extraction_timeout` or `extraction_failed`); batches queued behind it had not
started and are simply sent to the new process.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from stream.app.processing import (
    BatchResult, Outcome, RawMessage, dead_letter, extractor_info, init_extractor, process_batch,
)
from stream.core.records import DeadLetterReason, ExtractorInfo
from stream.lifeline import bind_to_parent

log = logging.getLogger(__name__)


def _child_main(conn: Connection, parent: int, model: str, batch_size: int) -> None:
    """The extraction process: load the model, then answer batches in order until told to stop.

    A thread reads the pipe, so the worker's writes never wait for a batch to finish.  The process
    dies with its worker: the parent-death signal even while spaCy holds the GIL, else EOF on the
    pipe (only the worker holds the other end).
    """
    bind_to_parent(parent)
    init_extractor(model, batch_size)
    inbox: deque[tuple[int, list[RawMessage]]] = deque()
    arrived = threading.Condition()

    def read() -> None:
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                job = None
            if job is None:
                os._exit(0)
            with arrived:
                inbox.append(job)
                arrived.notify()

    threading.Thread(target=read, name="pipe-reader", daemon=True).start()
    conn.send(("ready", extractor_info()))
    while True:
        with arrived:
            arrived.wait_for(lambda: bool(inbox))
            seq, messages = inbox.popleft()
        try:
            reply: Any = process_batch(messages)
        except Exception as exc:  # noqa: BLE001 - a bug in the batch code is the worker's to raise
            reply = exc
        conn.send((seq, reply))


class ExtractionLost(Exception):
    """The process overran its deadline, or died, while working on this batch."""

    def __init__(self, reason: DeadLetterReason, message: str) -> None:
        super().__init__(message)
        self.reason: DeadLetterReason = reason


@dataclass(eq=False)
class _Job:
    seq: int
    messages: list[RawMessage]
    future: asyncio.Future[BatchResult]
    started: float | None = None  # when the process began it (monotonic); None while queued


@dataclass(eq=False)
class _Child:
    """One extraction process and the parent's end of its pipe."""

    proc: Any  # multiprocessing.Process (spawn context)
    conn: Connection
    ready: asyncio.Future[ExtractorInfo]
    jobs: deque[_Job] = field(default_factory=deque)
    gone: bool = False
    stopping: bool = False  # told to stop: `stop` reaps it, not the reader thread


class ExtractionPool:
    """The worker's handle on its extraction process; `process` may be awaited by several batches at once."""

    def __init__(self, model: str, batch_size: int, deadline: float) -> None:
        self.model = model
        self.batch_size = batch_size
        self.deadline = deadline
        self.info: ExtractorInfo | None = None
        self._child: _Child | None = None
        self._seq = 0
        self._timer: asyncio.TimerHandle | None = None
        self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extraction-send")  # keeps order
        self._ready: asyncio.Event | None = None
        self._failure: Exception | None = None  # a replacement process that could not start
        self._replacing: asyncio.Future[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- the process ------------------------------------------------------------------------------

    async def start(self) -> ExtractorInfo:
        """Spawn the process and wait until the model is loaded."""
        self._loop = asyncio.get_running_loop()
        self._ready = self._ready or asyncio.Event()
        ctx = multiprocessing.get_context("spawn")
        parent_end, child_end = ctx.Pipe()
        proc = ctx.Process(target=_child_main, args=(child_end, os.getpid(), self.model, self.batch_size),
                           name="extraction", daemon=True)
        proc.start()
        child_end.close()  # only the child holds it now: its EOF tells us the child is gone
        child = _Child(proc, parent_end, self._loop.create_future())
        self._child = child
        threading.Thread(target=self._read, args=(child,), name="extraction-read", daemon=True).start()
        self.info = await child.ready
        self._ready.set()
        return self.info

    def _read(self, child: _Child) -> None:
        """Reader thread: hand each reply to the event loop; EOF means the process died."""
        assert self._loop is not None
        try:
            while True:
                reply = child.conn.recv()
                self._loop.call_soon_threadsafe(self._reply, child, reply)
        except (EOFError, OSError):
            child.conn.close()
            if not child.stopping:
                child.proc.join()  # reap it (no zombie): it has closed its end, so it is exiting or gone
            if not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._lost, child, "extraction_failed",
                                                "the extraction process died on this article")

    def _reply(self, child: _Child, reply: tuple[Any, Any]) -> None:
        if child is not self._child or child.gone:
            return
        tag, value = reply
        if tag == "ready":
            if not child.ready.done():
                child.ready.set_result(value)
            return
        job = child.jobs.popleft()
        assert job.seq == tag, (job.seq, tag)
        if not job.future.done():
            if isinstance(value, BaseException):
                job.future.set_exception(value)
            else:
                job.future.set_result(value)
        self._arm(child)

    def _arm(self, child: _Child) -> None:
        """Start the deadline of the batch the process takes next (it starts when the previous one ends)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not child.jobs:
            return
        head = child.jobs[0]
        now = time.monotonic()
        head.started = head.started or now
        assert self._loop is not None
        self._timer = self._loop.call_later(head.started + self.deadline - now, self._lost, child,
                                            "extraction_timeout",
                                            f"extraction ran past the {self.deadline:g} s deadline "
                                            "(STREAM_EXTRACTION_TIMEOUT); the process was replaced")

    def _lost(self, child: _Child, reason: DeadLetterReason, message: str) -> None:
        """Kill the process; fail the batch it was on, send the queued ones to its replacement."""
        if child.gone or child is not self._child:
            return
        child.gone = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        child.proc.kill()  # the reader thread sees EOF and closes the pipe
        log.warning("replacing the extraction process: %s", message)
        if not child.ready.done():
            child.ready.set_exception(RuntimeError(f"the extraction process did not start: {message}"))
            return
        queued = list(child.jobs)
        if queued and queued[0].started is not None:
            running = queued.pop(0)
            if not running.future.done():
                running.future.set_exception(ExtractionLost(reason, message))
        assert self._ready is not None
        self._ready.clear()
        self._replacing = asyncio.ensure_future(self._replace(queued))  # referenced: a bare task may be collected

    async def _replace(self, queued: list[_Job]) -> None:
        try:
            await self.start()
        except Exception as exc:  # noqa: BLE001 - every batch, waiting or to come, fails, and the agent with it
            log.error("the extraction process could not be replaced: %s", exc)
            self._failure = exc
            for job in queued:
                if not job.future.done():
                    job.future.set_exception(exc)
            assert self._ready is not None
            self._ready.set()
            return
        for job in queued:
            self._submit(job)

    def _submit(self, job: _Job) -> None:
        child = self._child
        assert child is not None and self._loop is not None
        child.jobs.append(job)
        job.started = None
        self._loop.run_in_executor(self._sender, self._send, child, (job.seq, job.messages))
        if len(child.jobs) == 1:
            self._arm(child)

    @staticmethod
    def _send(child: _Child, payload: Any) -> None:
        try:
            child.conn.send(payload)
        except (OSError, ValueError):
            pass  # the process is gone: the reader thread reports it

    # -- batches ----------------------------------------------------------------------------------

    async def wait_ready(self) -> None:
        """Messages may arrive before the model has loaded: hold them until it has."""
        self._ready = self._ready or asyncio.Event()
        await self._ready.wait()

    @property
    def ready(self) -> bool:
        return self.info is not None and self._child is not None and not self._child.gone

    async def _run(self, messages: list[RawMessage]) -> BatchResult:
        await self.wait_ready()
        if self._failure is not None:
            raise self._failure
        assert self._loop is not None
        self._seq += 1
        job = _Job(self._seq, messages, self._loop.create_future())
        self._submit(job)
        return await job.future

    async def process(self, messages: list[RawMessage]) -> BatchResult:
        """Extract a batch; several calls may be pending, the process takes them in order."""
        try:
            return await self._run(messages)
        except ExtractionLost as exc:
            if len(messages) == 1:
                return self._dead(messages[0], exc)
        outcomes: list[Outcome] = []
        parse = extract = 0.0
        for msg in messages:
            try:
                result = await self._run([msg])
            except ExtractionLost as exc:
                outcomes.extend(self._dead(msg, exc).outcomes)
                continue
            outcomes.extend(result.outcomes)
            parse += result.parse_seconds
            extract += result.extract_seconds
        return BatchResult(outcomes, parse, extract)

    def _dead(self, msg: RawMessage, exc: ExtractionLost) -> BatchResult:
        assert self.info is not None
        return BatchResult([Outcome(msg, dead_letter=dead_letter(msg, exc.reason, str(exc), self.info))], 0.0, 0.0)

    def stop(self) -> None:
        child, self._child = self._child, None
        if self._timer is not None:
            self._timer.cancel()
        if child is not None and not child.gone:
            child.gone = child.stopping = True
            self._sender.submit(self._send, child, None)  # after any send under way: the process exits
            self._sender.shutdown(wait=True)
            child.proc.join(10)
            if child.proc.is_alive():
                child.proc.kill()
        else:
            self._sender.shutdown(wait=False, cancel_futures=True)
