"""Story fusion under a long run: the open-stories table stays bounded because idle stories close.

    python bench/fusion_soak.py                 # 2,400 articles, stories closed after 20 s idle
    python bench/fusion_soak.py --articles 6000 --idle 30

One worker on the embedded broker reads the articles of `tests.fusion_support.meeting_reports`:
each simulated day has `--stories` meetings between two states, each reported by
three outlets (an explicit date, a weekday, 'hier' the next day), so the stream
keeps opening stories and leaving old ones idle.  Every 2 s the worker's ``/api/stories``
gives the table's size (stories, members, bytes); the last line is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stream.settings import Settings  # noqa: E402
from tests.fusion_support import meeting_reports  # noqa: E402

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2400)
    ap.add_argument("--stories", type=int, default=8, help="meetings per simulated day")
    ap.add_argument("--idle", type=float, default=20.0, help="STREAM_STORY_IDLE_SECONDS for the run")
    ap.add_argument("--model", default=Settings().model)
    args = ap.parse_args(argv)

    from stream.commands.produce import publish
    from stream.local import LocalStack

    names = Settings.env_names()
    stack = LocalStack(extra_env={names["model"]: args.model, names["story_idle_seconds"]: str(args.idle)})
    samples: list[dict] = []
    try:
        stack.start(workers=1, ready_timeout=300)
        worker = stack.workers[0]
        t0 = time.monotonic()
        publish(stack.settings(), meeting_reports(args.articles, args.stories), stack.settings().topic_articles,
                progress=False)
        # Run until every article is in and the table has been idle-swept twice.
        while True:
            api = worker.get("/api/stories")
            stats = worker.get("/api/stats")
            samples.append({"t": round(time.monotonic() - t0, 1), "articles": stats["articles_in"], **api["table"]})
            print(json.dumps(samples[-1]), flush=True)
            if stats["articles_in"] >= args.articles and samples[-1]["stories"] == 0:
                break
            if time.monotonic() - t0 > 60 * 30:
                raise SystemExit("did not drain in 30 minutes")
            time.sleep(2.0)
        with urllib.request.urlopen(worker.url + "/metrics", timeout=10) as resp:
            metrics = {line.split()[0]: float(line.split()[1]) for line in resp.read().decode().splitlines()
                       if line.startswith("stream_stories_")}
    finally:
        stack.stop()
    busy = [s for s in samples if s["articles"] < args.articles]
    summary = {"articles": args.articles, "idle_s": args.idle, "max_stories": max(s["stories"] for s in samples),
               "max_members": max(s["members"] for s in samples), "max_bytes": max(s["bytes"] for s in samples),
               "last_busy": busy[-1] if busy else None, "metrics": metrics}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
