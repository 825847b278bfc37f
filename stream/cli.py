"""``python -m stream``: the worker, producing and consuming, offline extraction and evaluation."""

from __future__ import annotations

import argparse
import importlib
import sys

from stream.commands import UserError

COMMANDS = (
    "worker", "produce", "consume", "extract", "dates", "evaluate", "evaluate_dates", "demo",
    "fuse", "evaluate_fusion", "replay_deadletters",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m stream", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"stream.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["worker"]:
        # Faust parses its own options (-l, --web-port, ...): hand them over untouched.
        from stream.commands.worker import run_worker

        return run_worker(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
