"""python -m python.training: train the selfie-or-not CNN and save it as .keras, nothing more.

The export needs TensorFlow; this command needs only Keras and its backend, so it runs
under ``KERAS_BACKEND=jax`` or ``torch`` on a machine without TensorFlow (a GPU image, say),
imports nothing from TensorFlow there, and ``python -m python.export --model FILE.keras``
exports what it wrote wherever TensorFlow is.
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow C++ chatter: 0 shows it

from python import logs  # noqa: E402
from python.errors import cli_main  # noqa: E402
from python.training.flags import add_training_flags, training_config  # noqa: E402


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m python.training",
        description="Train the selfie-or-not CNN under Keras's backend (KERAS_BACKEND:"
        " tensorflow, jax or torch) and save it as a .keras file, without exporting; say"
        " which backend and device trained it. Export it with python -m python.export"
        " --model FILE.keras --data DIR.",
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE.keras",
                   help="where the trained model is written, whole or not at all")
    p.add_argument("--data", type=Path, help="picture folder with one sub-folder per class"
                   " (0/ and 1/, or named), optionally under training/ and test/; default:"
                   " the embedded scikit-image lfw_subset (faces standing in for selfies)")
    p.add_argument("--skip-bad", action="store_true",
                   help="skip unreadable pictures instead of stopping")
    add_training_flags(p)
    logs.add_flags(p)
    return p


@cli_main
def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.out.suffix != ".keras":
        p.error("--out needs a file name ending in .keras")
    try:
        config = training_config(args)
    except ValueError as err:
        p.error(str(err).replace("_", "-"))
    logs.configure("training", quiet=args.quiet, verbose=args.verbose)
    from python.data import preprocessing
    from python.data.datasets import load_training_set
    from python.runtimes.loaders import keras_probabilities
    from python.training.fit import train
    from python.training.metrics import accuracy, balanced_accuracy, best_threshold
    from python.training.saving import save_keras_file

    pre = preprocessing.default(config.channels, config.image_size, config.image_size)
    data = load_training_set(args.data, pre, args.positive, args.skip_bad)
    result = train(data, config)
    save_keras_file(result.model, args.out)
    times = result.epoch_seconds
    lines = [f"trained under {result.backend} on {result.device}: {len(times)} epochs in"
             f" {result.seconds:.1f} s; the first {times[0]:.2f} s (it compiles), then"
             f" {statistics.median(times[1:] or times):.2f} s an epoch (median); kept epoch"
             f" {result.best_epoch}"]
    if len(data.test) and len(data.val):
        p_val = keras_probabilities(result.model, data.val.x)
        p_test = keras_probabilities(result.model, data.test.x)
        threshold = best_threshold(data.val.y, p_val) if len(data.labels) == 2 else None
        lines.append(f"test accuracy {accuracy(p_test, data.test.y, threshold):.4f}, balanced"
                     f" {balanced_accuracy(data.test.y, p_test, threshold):.4f}"
                     + (f" (threshold {threshold:.3f}, chosen on validation)"
                        if threshold is not None else ""))
    lines.append(f"wrote {args.out}; export it with: python -m python.export --model"
                 f" {args.out} --data {args.data or 'DIR'}")
    if not args.quiet:
        print("\n".join(lines))
    return 0
