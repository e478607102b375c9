"""python -m python.export: train the selfie model, export every format, verify, swap in."""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow C++ chatter: 0 shows it

from python import tolerance  # noqa: E402
from python.data import DEFAULT_IMAGE_SIZE  # noqa: E402
from python.errors import cli_main  # noqa: E402
from python.manifest import FOLDER_DIGEST_RULE, versions, write_manifest  # noqa: E402
from python.model import ARCHITECTURES, TRAINING_DEFAULTS  # noqa: E402
from python.staging import staged_folder  # noqa: E402
from python.train import AUGMENTATIONS, SCHEDULES  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m python.export",
        description="Train the selfie-or-not CNN and export a SavedModel, TFLite and ONNX"
        " (with --quantize also int8 TFLite and ONNX), a manifest, a size report and a"
        " parity check. The output folder is replaced only when everything verifies.",
    )
    p.add_argument("--data", type=Path, help="picture folder with one sub-folder per class"
                   " (0/ and 1/, or named), optionally under training/ and test/; default:"
                   " the embedded scikit-image lfw_subset (faces standing in for selfies)")
    p.add_argument("--out", type=Path, default=Path("artifacts"),
                   help="output folder, replaced atomically (default: artifacts)")
    p.add_argument("--quantize", action="store_true",
                   help="also export int8 TFLite (full-integer) and int8 ONNX")
    p.add_argument("--positive", help="name of the class folder that is the positive class"
                   " (default: the first of 1, selfie, positive, yes, true that exists, else the"
                   " second folder in sorted order)")
    p.add_argument("--epochs", type=int, help="training epochs; the best by validation loss"
                   " is kept (default: 30 for seed and compact, 100 for fast)")
    p.add_argument("--batch-size", type=int, default=32, help="batch size (default: 32)")
    p.add_argument("--learning-rate", type=float,
                   help="Adam learning rate (default: 0.001; 0.003 for fast)")
    p.add_argument("--schedule", choices=SCHEDULES,
                   help="learning rate: constant, or cosine decay to zero over the run"
                   " (default: constant; cosine for fast)")
    p.add_argument("--image-size", type=int, default=DEFAULT_IMAGE_SIZE,
                   help=f"pictures are resized to this many pixels square"
                   f" (default: {DEFAULT_IMAGE_SIZE})")
    p.add_argument("--threshold", type=float, default=0.5,
                   help="probability at or above which a picture gets the positive label"
                   " (default: 0.5)")
    p.add_argument("--seed", type=int, default=0,
                   help="random seed; the same seed repeats a run on one machine (default: 0)")
    p.add_argument("--architecture", choices=ARCHITECTURES, default="seed",
                   help="seed: the talk's CNN (two Conv2D, Dense 256); compact: 3x3 conv"
                   " blocks with batch norm, 12x fewer weights, the best balanced accuracy; fast:"
                   " three stride-2 convolutions, the fastest to serve (default: seed)")
    p.add_argument("--augment", choices=AUGMENTATIONS,
                   help="mirror: add mirrored copies; random: mirror, shift and zoom every"
                   " batch; none (default: mirror for seed, random for compact)")
    p.add_argument("--skip-bad", action="store_true",
                   help="skip unreadable pictures (counted in the manifest) instead of stopping")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    args = p.parse_args(argv)
    for name, value in TRAINING_DEFAULTS[args.architecture].items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    for name in ("epochs", "batch_size", "image_size"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0.0 < args.threshold < 1.0:
        p.error("--threshold must be between 0 and 1")
    if args.learning_rate <= 0:
        p.error("--learning-rate must be positive")
    return args


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text, file=sys.stderr, flush=True)


@cli_main
def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    from python.dataset import load_embedded, load_folder

    _say(args, f"loading {args.data or 'the embedded lfw_subset'}")
    if args.data is None:
        data = load_embedded(args.image_size)
    else:
        data = load_folder(args.data, args.image_size, args.positive, args.skip_bad, args.quiet)
    c = data.counts()
    _say(args, f"data: {c['train']} train, {c['val']} val, {c['test']} test,"
         f" {c['skipped']} skipped; labels {data.labels}")

    from python.train import train

    result = train(data, args.epochs, args.batch_size, args.learning_rate, args.seed,
                   args.architecture, args.augment, quiet=args.quiet,
                   schedule=args.schedule)
    _say(args, f"trained on {result.device} in {result.seconds:.1f} s;"
         f" kept epoch {result.best_epoch}")

    from python.exporting import export_all

    with staged_folder(args.out) as stage:
        manifest = export_all(stage, result, data, args, _say)
        manifest["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        manifest["tolerances"] = tolerance.describe()
        manifest["digest_rule"] = FOLDER_DIGEST_RULE
        manifest["versions"] = versions()
        write_manifest(stage, manifest)
        _java_parity(stage, manifest, args)
        manifest["export_seconds"] = round(time.perf_counter() - started, 1)
        write_manifest(stage, manifest)
    _report(args, manifest)
    return 0


def _java_parity(stage: Path, manifest: dict, args: argparse.Namespace) -> None:
    """Run the Java cells on the staged artifacts when a JDK and the Gradle classpath exist."""
    from python.errors import ParityError
    from python.parity import json_safe, run_matrix, summary
    from python.verify import failures

    say = (lambda _s: None) if args.quiet else (lambda s: print(s, file=sys.stderr))
    cells, skipped = run_matrix(stage, manifest, python=False, java=True, say=say)
    if skipped:
        manifest["parity_java"] = f"skipped: {skipped}"
        print(f"export: Java parity cells skipped: {skipped}", file=sys.stderr)
        return
    manifest["parity"].update(json_safe(summary(cells)))
    manifest["parity_java"] = "ran"
    failed = failures(cells)
    if failed:
        raise ParityError("Java out of tolerance: " + "; ".join(failed))


def _report(args: argparse.Namespace, manifest: dict) -> None:
    from python.report import parity_table, size_table

    m = manifest["metrics"]
    if args.quiet:
        return
    print(f"\ntest accuracy {m['test_accuracy']:.4f}, balanced {m['balanced_accuracy']:.4f},"
          f" recall {', '.join(f'{k} {v:.3f}' for k, v in m['recall'].items())}")
    print(f"trained on {m['device']} in {m['training_seconds']:.1f} s\n")
    print(size_table(manifest["artifacts"]))
    print()
    print(parity_table(manifest["parity"]))
    print(f"\nwrote {args.out}/ ({manifest['export_seconds']:.0f} s in all)")


if __name__ == "__main__":
    sys.exit(main())
