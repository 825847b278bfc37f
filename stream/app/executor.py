"""Runs `process_batch` in a child process so spaCy never blocks the event loop.

One process holds the model (spawned, not forked: the worker already runs
threads).  If the process dies (OOM, segfault), the pool is rebuilt and the
batch retried one message at a time, so only the message that kills it again
is dead-lettered.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from stream.app.processing import (
    BatchResult, Outcome, RawMessage, dead_letter, extractor_info, init_extractor, process_batch,
)
from stream.core.records import ExtractorInfo


def _exit_with_parent(parent: int) -> None:
    """Exit as soon as the worker that spawned us is gone.

    A SIGKILLed worker cannot shut its pool down, and the child never sees EOF on the call queue
    (it holds both ends), so without this it would linger with the model in memory.
    """
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _init_child(parent: int, model: str, batch_size: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()
    init_extractor(model, batch_size)


class ExtractionPool:
    def __init__(self, model: str, batch_size: int) -> None:
        self.model = model
        self.batch_size = batch_size
        self.info: ExtractorInfo | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._ready: asyncio.Event | None = None
        self._restarting = asyncio.Lock()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_child, initargs=(os.getpid(), self.model, self.batch_size))

    async def start(self) -> ExtractorInfo:
        """Spawn the process and wait until the model is loaded."""
        self._ready = self._ready or asyncio.Event()
        self._pool = self._new_pool()
        self.info = await asyncio.get_running_loop().run_in_executor(self._pool, extractor_info)
        self._ready.set()
        return self.info

    async def wait_ready(self) -> None:
        """Messages may arrive before the model has loaded: hold them until it has."""
        self._ready = self._ready or asyncio.Event()
        await self._ready.wait()

    @property
    def ready(self) -> bool:
        return self.info is not None and self._pool is not None

    async def process(self, messages: list[RawMessage]) -> BatchResult:
        """Extract a batch; several calls may be pending, the process takes them in order."""
        await self.wait_ready()
        loop = asyncio.get_running_loop()
        pool = self._pool
        assert pool is not None
        try:
            return await loop.run_in_executor(pool, process_batch, messages)
        except BrokenProcessPool:
            await self._restart(pool)
        outcomes: list[Outcome] = []
        parse = extract = 0.0
        for msg in messages:
            pool = self._pool
            assert pool is not None
            try:
                result = await loop.run_in_executor(pool, process_batch, [msg])
            except BrokenProcessPool:
                await self._restart(pool)
                assert self.info is not None
                outcomes.append(Outcome(msg, dead_letter=dead_letter(
                    msg, "extraction_failed", "the extraction process died on this article", self.info)))
                continue
            outcomes.extend(result.outcomes)
            parse += result.parse_seconds
            extract += result.extract_seconds
        return BatchResult(outcomes, parse, extract)

    async def _restart(self, broken: ProcessPoolExecutor) -> None:
        """Replace a dead pool once, however many pending batches saw it die."""
        async with self._restarting:
            if self._pool is not broken:
                return
            broken.shutdown(wait=False, cancel_futures=True)
            if self._ready is not None:
                self._ready.clear()
            await self.start()

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
