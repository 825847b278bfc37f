"""``evaluate``: not built yet."""

from __future__ import annotations

import argparse

from stream.commands import UserError


def register(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("evaluate", help="(not built yet)").set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UserError("'evaluate' is not built yet")
