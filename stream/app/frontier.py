"""The commit frontier: per input partition, the offset below which every message was delivered.

Faust's consumer can hand the stream a message and then drop the ones before it: after a
rebalance, records fetched ahead of the seek to the committed offset raise its "read offset",
and the re-fetched records below it are dropped ("DROPPED MESSAGE ROFF").  Committing the
highest delivered offset would then skip articles nobody processed.  The frontier only moves
over offsets that were all delivered, and names the first missing one so the worker can seek
back to it (at-least-once: what lies above it is read again).
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

#: A gap still open this long after its seek is sought again.
RESEEK_AFTER_S = 5.0


@dataclass
class _Partition:
    next: int
    done: set[int] = field(default_factory=set)
    sought: tuple[int, float] | None = None


class CommitFrontier:
    def __init__(self) -> None:
        self._parts: dict[Hashable, _Partition] = {}

    def reset(self) -> None:
        """Forget everything: after a rebalance, positions start again from the committed offsets."""
        self._parts.clear()

    def known(self, tp: Hashable) -> bool:
        return tp in self._parts

    def start(self, tp: Hashable, offset: int) -> None:
        """The partition's next offset to deliver: its committed offset, or its log start."""
        self._parts[tp] = _Partition(offset)

    def add(self, tp: Hashable, offsets: Iterable[int]) -> int:
        """Record delivered offsets; returns the new frontier (the offset to commit)."""
        part = self._parts[tp]
        part.done.update(o for o in offsets if o >= part.next)
        while part.next in part.done:
            part.done.remove(part.next)
            part.next += 1
        return part.next

    def gap_to_seek(self, tp: Hashable, now: float | None = None) -> int | None:
        """The first missing offset if later ones were delivered and no recent seek covers it."""
        part = self._parts[tp]
        if not part.done:
            return None
        now = time.monotonic() if now is None else now
        if part.sought is not None and part.sought[0] == part.next and now - part.sought[1] < RESEEK_AFTER_S:
            return None
        part.sought = (part.next, now)
        return part.next
