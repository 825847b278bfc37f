"""``worker [FAUST OPTIONS]``: the Faust worker, with Faust's own options (-l, --web-port, ...)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    # Parsed by Faust itself (see stream.cli.main); listed here for --help.
    sub.add_parser("worker", help="start the Faust worker (accepts Faust's worker options)", add_help=False)


def run_worker(argv: list[str]) -> int:
    from stream.app.main import app, settings

    if not any(a in ("-l", "--loglevel") or a.startswith("--loglevel=") for a in argv):
        argv = ["--loglevel", settings.log_level, *argv]
    sys.argv = ["python -m stream", "worker", *argv]
    app.main()
    return 0
