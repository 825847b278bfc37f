"""``demo [PATH...]``: the whole service on the embedded broker, in one command.

Starts tansu, one worker with its dashboard, publishes the articles (the
shipped samples by default), prints the events as JSON lines, and stays up
until Ctrl-C or SIGTERM (``--once`` exits after printing).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from types import FrameType
from pathlib import Path

from stream.commands import UserError

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run broker + worker + dashboard locally and show the events")
    p.add_argument("paths", nargs="*", metavar="PATH", help=f"articles to publish (default: {SAMPLES.name}/)")
    p.add_argument("--once", action="store_true", help="exit after printing the events")
    p.add_argument("--web-port", type=int, default=None, help="dashboard port (default: $STREAM_WEB_PORT or 6066)")
    p.add_argument("--timeout", type=float, default=300.0, help="give up if the articles are not processed by then")
    p.set_defaults(func=run)


def _say(text: str) -> None:
    print(f"[demo] {text}", file=sys.stderr, flush=True)


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (a supervisor) or SIGHUP (a closed terminal) stops the stack as Ctrl-C does."""
    raise SystemExit(128 + signum)


def run(args: argparse.Namespace) -> int:
    from stream.commands.consume import read_topic
    from stream.commands.produce import messages, publish
    from stream.local import LocalStack, StackError
    from stream.settings import Settings

    pairs = list(messages(args.paths or [str(SAMPLES)]))
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop)
    started = time.monotonic()
    web_port = args.web_port or Settings.from_env().web_port
    with LocalStack(web_port=web_port) as stack:
        try:
            _say("starting the embedded broker and a worker (the model takes a few seconds to load)...")
            stack.start(workers=1)
            worker = stack.workers[0]
            _say(f"ready in {time.monotonic() - started:.1f}s; dashboard: {worker.url}/dashboard  "
                 f"(worker log: {worker.log_path})")
            settings = stack.settings()
            publish(settings, pairs, settings.topic_articles, progress=False)
            _say(f"published {len(pairs)} article(s); waiting for the worker...")
            stack.wait_accounted(len(pairs), timeout=args.timeout)
        except StackError as exc:
            raise UserError(str(exc)) from None
        stats = stack.stats()[0]
        _say(f"{stats['processed']} article(s) processed, {stats['events_out']} event(s), "
             f"{stats['deadlettered']} dead letter(s) {stats['deadletters_by_reason'] or ''}")
        if not args.once:
            _say("staying up (Ctrl-C stops); publish more with: "
                 f"KAFKA_BOOTSTRAP_SERVERS={settings.bootstrap_servers} python -m stream produce FILE")
        out = sys.stdout.buffer
        for value in read_topic(settings, settings.topic_events, follow=not args.once, idle=1.0):
            out.write(value + b"\n")
            out.flush()
        return 0
