"""``worker``: not built yet."""

from __future__ import annotations

import argparse

from stream.commands import UserError


def register(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("worker", help="(not built yet)").set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UserError("'worker' is not built yet")


def run_worker(argv: list[str]) -> int:
    raise UserError("'worker' is not built yet")
