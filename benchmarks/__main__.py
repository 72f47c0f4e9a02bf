"""`python -m benchmarks [--quick]`: measure build, index, search and scrape (`make bench`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.runner import PLANS, RESULTS, WORK, markdown, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(
            "Time tipbook build (beside a plain Material blog), the search index, queries, "
            "related tips and a scrape of the local mirror, on synthetic tips; print one "
            "table and write it as JSON. Example: python -m benchmarks --quick"
        ),
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="every figure at small N (< 2 min)")
    size.add_argument("--tiny", action="store_true", help="tiny N: checks the harness works")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"default: {RESULTS.name}")
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the last results (--out) as a Markdown table instead of running",
    )
    parser.add_argument("--work", type=Path, default=WORK, help="scratch folder (corpora, sites)")
    args = parser.parse_args(argv)
    if args.markdown:
        results = json.loads(args.out.read_text(encoding="utf-8"))
        sys.stdout.write(markdown(results))
        return 0
    plan = PLANS["tiny" if args.tiny else "quick" if args.quick else "full"]
    run(plan, out=args.out.resolve(), work=args.work.resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
