"""Child processes that die with their parent, whatever kills it (SIGKILL included).

`LocalStack` starts the embedded broker and the workers; if `demo`, a test or the
benchmark is killed, nothing may outlive it holding memory and ports.  Linux's
parent-death signal (``prctl(PR_SET_PDEATHSIG)``) is set in the child between
fork and exec, so it holds for any program (tansu is a static binary we cannot
change) and survives exec.  It fires when the *thread* that started the child
ends, so start children from a thread that lives as long as they should (the
main thread everywhere in this project).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    """Resolved once, before any fork: the child must not import or look anything up."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    return libc.prctl  # type: ignore[no-any-return]


_prctl = _load_prctl()


def bind_to_parent(parent: int, sig: int = signal.SIGKILL) -> None:
    """In a child: receive `sig` when `parent` dies (Linux only), and exit now if it already has."""
    if _prctl is not None and _prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        os._exit(1)
    if os.getppid() != parent:
        os._exit(1)


def die_with_parent(sig: int = signal.SIGKILL) -> Callable[[], None] | None:
    """A ``preexec_fn`` for `subprocess.Popen`: the child gets `sig` when its parent dies (None off Linux).

    The check of the parent's pid after prctl closes the race where the parent died before the call.
    """
    if _prctl is None:
        return None
    parent = os.getpid()
    return lambda: bind_to_parent(parent, sig)
