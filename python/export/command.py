"""python -m python.export: train a model (or take yours), export every format, verify, swap in."""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow C++ chatter: 0 shows it
# The export converts with TensorFlow whatever backend trained the model (a .keras file loads
# under any): a KERAS_BACKEND=jax left set for python -m python.training does not reach it.
os.environ["KERAS_BACKEND"] = "tensorflow"

from python import logs  # noqa: E402
from python.errors import cli_main  # noqa: E402
from python.export.config import ExportConfig  # noqa: E402
from python.model.inspect import ENDINGS  # noqa: E402
from python.training.flags import TRAINING_FLAGS as TRAINING  # noqa: E402
from python.training.flags import add_training_flags, training_config  # noqa: E402

log = logging.getLogger(__name__)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m python.export",
        description="Export a Keras image classifier (yours with --model; without it, train"
        " the selfie-or-not demo network) as a SavedModel, TFLite and ONNX (with --quantize"
        " also int8 TFLite and ONNX), with a manifest, a size report and a parity check. The"
        " output folder is replaced only when everything verifies.",
    )
    p.add_argument("--data", type=Path, help="picture folder with one sub-folder per class"
                   " (0/ and 1/, or named), optionally under training/ and test/; with"
                   " --model also a flat folder of unlabelled pictures; default (training"
                   " only): the embedded scikit-image lfw_subset (faces standing in for"
                   " selfies)")
    p.add_argument("--out", type=Path, default=Path("artifacts"),
                   help="output folder, replaced atomically (default: artifacts)")
    p.add_argument("--quantize", action="store_true",
                   help="also export int8 TFLite and int8 ONNX, each the recipe that keeps the"
                   " most of the model's labels, then the smallest (none when no recipe keeps"
                   " them)")
    p.add_argument("--int8-select", choices=("labels", "fastest"), default="labels",
                   help="how the int8 recipe is chosen among those within the bounds: labels"
                   " (the most of the model's labels kept, then the smallest: the same file on"
                   " any machine; default) or fastest (timed here: for an export made on the"
                   " hardware it is deployed on)")
    own = p.add_argument_group("your own model (no training)")
    own.add_argument("--model", type=Path, help="a trained Keras 3 .keras file, a legacy .h5"
                     " file, or a TensorFlow SavedModel folder with a serving_default"
                     " signature: one float32 input [batch, H, W, C], C = 1 or 3; one output,"
                     " a sigmoid unit or N softmax probabilities (or logits)")
    own.add_argument("--labels", type=Path, help="one label a line, in the model's output"
                     " order (default: the --data class folders' names, sorted as Keras"
                     " sorts them)")
    own.add_argument("--preprocessing", type=Path, help="a Hugging Face"
                     " preprocessor_config.json (do_resize, size, resample 2 or 3,"
                     " do_center_crop, crop_size, do_rescale, rescale_factor, do_normalize,"
                     " image_mean, image_std); default: the model's size, bilinear, /255"
                     " unless the model rescales its own input")
    own.add_argument("--output", choices=ENDINGS, help="whether the model ends in"
                     " probabilities or logits, where it does not say (logits get a softmax,"
                     " or a sigmoid, appended in every artifact)")
    p.add_argument("--require", type=_artifact_list, default=(),
                   help="comma-separated artifacts the export must make (e.g."
                   " savedmodel,onnx): without one, it fails and replaces nothing; others"
                   " that a converter cannot make are left out and listed in the manifest")
    p.add_argument("--atol", type=_positive, metavar="BOUND",
                   help="the float artifacts' bound on |p - p_keras| (default: derived from"
                   " float32's noise on the model, at least 1e-05, at most 1e-04; the"
                   " manifest's float_bound says how)")
    p.add_argument("--photos", type=Path, metavar="DIR",
                   help="a folder of large pictures (camera photos) the fidelity report also"
                   " measures the fast route on, against the faithful one")
    p.add_argument("--threshold", type=float,
                   help="probability at or above which a picture gets the positive label"
                   " (default: the one that maximises balanced accuracy on the validation"
                   " split)")
    add_training_flags(p)
    p.add_argument("--save-model", type=Path, metavar="FILE.keras",
                   help="also write the trained model here, for --model to export later")
    p.add_argument("--skip-bad", action="store_true",
                   help="skip unreadable pictures (counted in the manifest) instead of stopping")
    logs.add_flags(p)
    return p


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{text} must be above 0 and below 1")
    return value


def _artifact_list(text: str) -> tuple[str, ...]:
    from python.artifacts.registry import BY_NAME

    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown artifact {unknown[0]!r}; known:"
                                         f" {', '.join(BY_NAME)}")
    return names


#: Flags that shape training: refused with --model, which trains nothing.
TRAINING_FLAGS = (*TRAINING, "save_model")
#: Flags only --model reads.
MODEL_FLAGS = ("labels", "preprocessing", "output")


def parse_args(argv: list[str] | None) -> tuple[ExportConfig, argparse.Namespace]:
    """The frozen configuration the run is made of, and the parsed flags (for output only)."""
    p = parser()
    args = p.parse_args(argv)
    common = {"out": args.out, "data": args.data, "quantize": args.quantize,
              "int8_select": args.int8_select,
              "threshold": args.threshold, "skip_bad": args.skip_bad, "require": args.require,
              "atol": args.atol, "photos": args.photos}
    if args.model is not None:
        given = [f for f in TRAINING_FLAGS if getattr(args, f) is not None]
        if given:
            p.error(f"--{given[0].replace('_', '-')} shapes training; --model exports a model"
                    " trained already")
        try:
            return ExportConfig(model=args.model, labels=args.labels, output=args.output,
                                preprocessing=args.preprocessing, **common), args
        except ValueError as err:
            p.error(str(err))
    given_model_flags = [f for f in MODEL_FLAGS if getattr(args, f) is not None]
    if given_model_flags:
        p.error(f"--{given_model_flags[0]} is for --model (a model trained elsewhere)")
    try:
        training = training_config(args)
        config = ExportConfig(training=training, positive=args.positive,
                              save_model=args.save_model, **common)
    except ValueError as err:
        p.error(str(err).replace("_", "-"))
    return config, args


@cli_main
def main(argv: list[str] | None = None) -> int:
    config, args = parse_args(argv)
    logs.configure("export", quiet=args.quiet, verbose=args.verbose)
    started = time.perf_counter()
    from python.export.pipeline import run_export
    from python.export.report import summary

    manifest = run_export(config, started)
    if not args.quiet:
        print(summary(manifest, config.out))
    return 0
