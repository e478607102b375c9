"""The flags that shape training, one definition for every command that trains: the export
(which trains, then exports) and ``python -m python.training`` (which only trains)."""

from __future__ import annotations

import argparse
from pathlib import Path

from python.data.pictures import DEFAULT_IMAGE_SIZE
from python.data.preprocessing import COLORS
from python.training.fit import AUGMENTATIONS, SCHEDULES, TrainingConfig
from python.training.networks import ARCHITECTURES, DEFAULT_CONFIG

#: The destinations of the flags ``add_training_flags`` adds.
TRAINING_FLAGS = ("epochs", "batch_size", "learning_rate", "schedule", "augment", "seed",
                  "image_size", "mirror_average", "config", "architecture", "positive",
                  "color")


def add_training_flags(p: argparse.ArgumentParser) -> None:
    """How to train: the configuration file or architecture, and flags over it."""
    p.add_argument("--positive", help="name of the class folder that is the positive class"
                   " (default: the first of 1, selfie, positive, yes, true that exists, else the"
                   " second folder in sorted order)")
    p.add_argument("--epochs", type=int, help="training epochs; the best by validation loss"
                   " is kept (default: 30 for seed and compact, 100 for fast)")
    p.add_argument("--batch-size", type=int, help="batch size (default: 32)")
    p.add_argument("--learning-rate", type=float,
                   help="Adam learning rate (default: 0.001; 0.003 for fast)")
    p.add_argument("--schedule", choices=SCHEDULES,
                   help="learning rate: constant, or cosine decay to zero over the run"
                   " (default: constant; cosine for fast)")
    p.add_argument("--image-size", type=int,
                   help=f"pictures are resized to this many pixels square"
                   f" (default: {DEFAULT_IMAGE_SIZE})")
    p.add_argument("--config", type=Path,
                   help="a training configuration (best.json from python -m python.tune);"
                   " flags given here override its settings")
    p.add_argument("--seed", type=int,
                   help="random seed; the same seed repeats a run on one machine (default: 0)")
    p.add_argument("--architecture", choices=ARCHITECTURES,
                   help="seed: the talk's CNN (two Conv2D, Dense 256); compact: 3x3 conv"
                   " blocks with batch norm; fast: three stride-2 convolutions, the fastest to"
                   " serve (default: the configuration the search found, python/training/"
                   "default_config.json; an architecture named here starts from its own"
                   " defaults)")
    p.add_argument("--augment", choices=AUGMENTATIONS,
                   help="mirror: add mirrored copies; random: mirror, shift and zoom every"
                   " epoch; none (default: mirror for seed, random for compact)")
    p.add_argument("--mirror-average", action=argparse.BooleanOptionalAction,
                   help="the model answers the mean of its probabilities for the picture and"
                   " its mirror image (default: on in default_config.json, off for a named"
                   " architecture)")
    p.add_argument("--color", choices=tuple(COLORS.values()),
                   help="train on grey (one channel, default) or rgb (three) pictures")


def training_config(args: argparse.Namespace) -> TrainingConfig:
    """The configuration the flags ask for: the file (``--config``, else the default one) or
    the named architecture's defaults, with the flags given on top. ValueError when bad."""
    given = {"epochs": args.epochs, "batch_size": args.batch_size,
             "learning_rate": args.learning_rate, "schedule": args.schedule,
             "augment": args.augment, "seed": args.seed, "image_size": args.image_size,
             "mirror_average": args.mirror_average, "color": args.color}
    if args.config is not None or args.architecture is None:
        base = TrainingConfig.from_file(args.config or DEFAULT_CONFIG)
        if args.architecture is not None and args.architecture != base.architecture:
            base = TrainingConfig.for_architecture(args.architecture, seed=base.seed,
                                                   image_size=base.image_size)
        return base.updated(**given)
    return TrainingConfig.for_architecture(args.architecture, **given)
