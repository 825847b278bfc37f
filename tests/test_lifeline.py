"""Nothing `demo` starts outlives it: the broker, the worker and its extraction process die with it, even on SIGKILL."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from stream.broker import free_port
from stream.lifeline import die_with_parent

pytestmark = [pytest.mark.broker, pytest.mark.timeout(300)]


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    out = []
    for proc in procs:
        try:
            if proc.status() != psutil.STATUS_ZOMBIE:
                out.append(proc)
        except psutil.NoSuchProcess:
            pass
    return out


def _running_demo(tmp_path: Path) -> tuple[subprocess.Popen[bytes], list[psutil.Process]]:
    """`demo` with the samples, once it has printed their events and stays up; with all its descendants."""
    log = tmp_path / "demo.log"
    with log.open("wb") as err:
        demo = subprocess.Popen([sys.executable, "-m", "stream", "demo", "--web-port", str(free_port())],
                                stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while "staying up" not in log.read_text(errors="replace"):
        assert demo.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.5)
    descendants = psutil.Process(demo.pid).children(recursive=True)
    names = " ".join(" ".join(p.cmdline()) for p in descendants)
    assert "tansu" in names and "stream worker" in names and "spawn_main" in names, names
    return demo, descendants


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_demo_leaves_no_process_behind(tmp_path: Path, sig: int) -> None:
    demo, descendants = _running_demo(tmp_path)
    try:
        demo.send_signal(sig)
        demo.wait(30)
        deadline = time.monotonic() + 5.0
        while _alive(descendants) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [" ".join(p.cmdline()) for p in _alive(descendants)]
        assert not left, f"still running 5 s after {signal.Signals(sig).name}: {left}"
    finally:
        for proc in _alive(descendants):
            proc.kill()


def test_a_child_started_with_the_lifeline_gets_the_signal_when_its_parent_is_killed() -> None:
    """The bare mechanism: a parent SIGKILLed with a long-lived child; the child is gone with it."""
    assert die_with_parent() is not None, "Linux is required (prctl PR_SET_PDEATHSIG)"
    code = ("import subprocess, sys, time; from stream.lifeline import die_with_parent; "
            "p = subprocess.Popen(['sleep', '300'], preexec_fn=die_with_parent()); print(p.pid, flush=True); "
            "time.sleep(300)")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert parent.stdout is not None
    child = psutil.Process(int(parent.stdout.readline()))
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5.0
    while _alive([child]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive([child]), "the child outlived its SIGKILLed parent"
