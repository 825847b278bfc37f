"""``demo``: not built yet."""

from __future__ import annotations

import argparse

from stream.commands import UserError


def register(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("demo", help="(not built yet)").set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UserError("'demo' is not built yet")
