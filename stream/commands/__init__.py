"""Sub-commands of ``python -m stream``.

Each module exposes ``register(subparsers)``, which adds its parser and sets
``func`` to a callable taking the parsed args and returning an exit code.
Heavy imports (spaCy, Faust) happen inside those callables, so ``--help`` is fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path


class UserError(Exception):
    """A mistake the user can fix: printed as one line, exit code 2, no traceback."""


def iter_input_files(paths: list[str], suffixes: tuple[str, ...] = (".txt", ".json", ".jsonl")) -> Iterator[Path]:
    """Expand files and folders (recursively, sorted) into input files; '-' is stdin."""
    for raw in paths:
        if raw == "-":
            yield Path("-")
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in suffixes)
            if not found:
                raise UserError(f"{raw}: no {'/'.join(suffixes)} files in this folder")
            yield from found
        elif path.is_file():
            yield path
        else:
            raise UserError(f"{raw}: no such file or folder")


def read_bytes(path: Path) -> bytes:
    return sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
