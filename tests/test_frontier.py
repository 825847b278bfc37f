"""The commit frontier only moves over offsets that were all delivered."""

from __future__ import annotations

from stream.app.frontier import RESEEK_AFTER_S, CommitFrontier


def test_contiguous_offsets_advance_the_frontier() -> None:
    f = CommitFrontier()
    f.start("p0", 40)
    assert f.add("p0", [40, 41, 42]) == 43
    assert f.gap_to_seek("p0") is None


def test_a_hole_holds_the_frontier_and_names_the_offset_to_seek() -> None:
    f = CommitFrontier()
    f.start("p0", 40)
    assert f.add("p0", [48, 49, 50]) == 40  # 40..47 were dropped before the stream saw them
    assert f.gap_to_seek("p0", now=0.0) == 40
    assert f.gap_to_seek("p0", now=1.0) is None  # the seek under way covers it
    assert f.gap_to_seek("p0", now=RESEEK_AFTER_S + 0.1) == 40  # still open: seek again
    assert f.add("p0", range(40, 48)) == 51  # re-read: the hole closes, everything delivered counts
    assert f.gap_to_seek("p0") is None


def test_redelivered_offsets_below_the_frontier_are_ignored() -> None:
    f = CommitFrontier()
    f.start("p0", 10)
    f.add("p0", [10, 11])
    assert f.add("p0", [10, 11, 12]) == 13


def test_reset_forgets_positions() -> None:
    f = CommitFrontier()
    f.start("p0", 0)
    f.reset()
    assert not f.known("p0")
