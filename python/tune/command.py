"""python -m python.tune: search training settings with Optuna, or evaluate one over seeds.

Search: ``--trials N`` and/or ``--timeout S`` more trials on the study (created, or
resumed from ``--storage``), then ``best.json``, ``trials.csv`` and two plots in
``--out``. Evaluate: ``--evaluate best.json --seeds 0-4`` trains that configuration
once per seed, picks each threshold on the validation split and reports test
accuracy and balanced accuracy as mean and standard deviation.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from python import logs  # noqa: E402
from python.errors import cli_main  # noqa: E402


def seeds(text: str) -> list[int]:
    """``0-4`` or ``0,2,7``."""
    try:
        if "-" in text:
            first, last = (int(v) for v in text.split("-", 1))
            return list(range(first, last + 1))
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not seeds: {text!r} (write 0-4 or 0,1,2)") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m python.tune",
        description="Search training settings (Optuna, validation split only), or evaluate a"
        " configuration over several seeds on the test split.")
    p.add_argument("--data", type=Path, help="picture folder (default: the embedded data set)")
    p.add_argument("--trials", type=int, help="trials to add to the study (default: 20 when"
                   " no --timeout is given)")
    p.add_argument("--timeout", type=float, help="stop starting trials after this many seconds")
    p.add_argument("--storage", help="Optuna storage URL (default: sqlite:///OUT/study.db); a"
                   " shared database lets several processes or machines work on one study")
    p.add_argument("--study", default="selfie", help="study name (default: selfie)")
    p.add_argument("--out", type=Path, default=Path("tuning"),
                   help="where best.json, trials.csv and the plots go (default: tuning)")
    p.add_argument("--max-epochs", type=int, default=100,
                   help="upper bound of the epochs searched (default: 100)")
    p.add_argument("--time-budget", type=float, default=60.0,
                   help="prune a trial whose training runs past this many seconds (default: 60)")
    p.add_argument("--enqueue", type=Path, metavar="CONFIG", action="append", default=[],
                   help="try this configuration file first (a known good one, the default's"
                   " default_config.json); repeatable")
    p.add_argument("--evaluate", type=Path, metavar="CONFIG",
                   help="instead of searching: train CONFIG once per --seeds, report test figures")
    p.add_argument("--seeds", type=seeds, default=[0, 1, 2, 3, 4],
                   help="with --evaluate: seeds as 0-4 or 0,1,2 (default: 0-4)")
    logs.add_flags(p)
    return p


@cli_main
def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logs.configure("tune", quiet=args.quiet, verbose=args.verbose)
    from python.tune.run import evaluate, search

    if args.evaluate is not None:
        print(evaluate(args.evaluate, args.data, args.seeds, args.out))
        return 0
    trials = args.trials if args.trials is not None or args.timeout else 20
    print(search(args.data, args.out, args.storage, args.study, trials, args.timeout,
                 args.max_epochs, args.time_budget, args.enqueue))
    return 0
