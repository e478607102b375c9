"""Labelled picture sets: folders of pictures or the embedded default, split for training.

Splits are keyed by each picture's content hash, so a picture stored twice under
two names always lands in one split, and the split does not depend on file names,
listing order or the random seed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from python.data.pictures import DEFAULT, load_image, pixels_to_input
from python.data.preprocessing import Preprocessing
from python.errors import DataError, PictureError

log = logging.getLogger(__name__)

PICTURE_SUFFIXES = {
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm",
}
#: Folder names taken as the positive class, in order, when --positive is not given.
POSITIVE_NAMES = ("1", "selfie", "positive", "yes", "true")
#: Display labels for the seed's 0/1 folders.
SEED_LABELS = {"0": "not_selfie", "1": "selfie"}
SPLITS = ("train", "val", "test")
#: The label of every picture of an unlabelled folder.
UNLABELLED = -1


@dataclass
class Split:
    """Model inputs, labels (UNLABELLED when the folder has none) and where each came from."""

    x: np.ndarray
    y: np.ndarray
    sources: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.y.shape[0])


@dataclass
class Dataset:
    """A picture set split three ways, with what it was made from.

    ``labels`` are the class names in label order; an unlabelled folder has none (every
    ``y`` is UNLABELLED): its pictures still calibrate int8 files and feed the parity suite.
    """

    train: Split
    val: Split
    test: Split
    labels: list[str]
    source: str
    split_rule: str
    skipped: list[str] = field(default_factory=list)

    @property
    def labelled(self) -> bool:
        return bool(self.labels)

    def counts(self) -> dict[str, int]:
        return {
            "train": len(self.train), "val": len(self.val), "test": len(self.test),
            "skipped": len(self.skipped),
        }


def hash_fraction(digest: str) -> float:
    """Map a hex digest to [0, 1): the split key."""
    return int(digest[:12], 16) / float(1 << 48)


def assign(digest: str, train: float = 0.8, val: float = 0.1) -> str:
    """The split of a picture with this content hash: 80/10/10 by default."""
    f = hash_fraction(digest)
    return "train" if f < train else "val" if f < train + val else "test"


def _class_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _pictures(folder: Path, recursive: bool = True) -> list[Path]:
    found = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(
        p for p in found
        if p.is_file() and p.suffix.lower() in PICTURE_SUFFIXES and not p.name.startswith(".")
    )


def _choose_classes(names: list[str], positive: str | None, where: Path,
                    keras_order: bool) -> list[str]:
    """The class folders in label order.

    Two folders: [negative, positive], the positive one chosen by name (``--positive``, else
    POSITIVE_NAMES, else the second). More than two, or ``keras_order``: sorted by name, as
    Keras's ``image_dataset_from_directory`` numbers them, so a model trained on such a
    folder gets its own label order back.
    """
    if len(names) < 2:
        found = names[0] if names else "none"
        raise DataError(f"{where}: needs at least two class folders (e.g. 0/ and 1/), found"
                        f" {found}")
    if positive is not None and positive not in names:
        raise DataError(f"{where}: --positive {positive!r} is not one of {', '.join(names)}")
    if keras_order or len(names) > 2:
        if positive is not None and len(names) > 2:
            raise DataError(f"{where}: --positive needs exactly two class folders, found"
                            f" {len(names)}")
        return sorted(names)
    if positive is None:
        positive = next((n for n in POSITIVE_NAMES if n in names), names[1])
    negative = names[0] if names[1] == positive else names[1]
    return [negative, positive]


def _display(name: str, classes: list[str]) -> str:
    return SEED_LABELS.get(name, name) if set(classes) == set(SEED_LABELS) else name


#: A progress line every this many pictures.
PROGRESS_EVERY = 500


class _Loader:
    """Decodes pictures, remembers skipped ones, logs progress."""

    def __init__(self, pre: Preprocessing, skip_bad: bool) -> None:
        self.pre, self.skip_bad = pre, skip_bad
        self.skipped: list[str] = []

    def load(self, files: list[tuple[Path, int]]) -> tuple[list[np.ndarray], list[int],
                                                          list[str], list[str]]:
        xs, ys, digests, sources = [], [], [], []
        for i, (path, label) in enumerate(files, 1):
            try:
                data = path.read_bytes()
                xs.append(load_image(path, self.pre))
            except PictureError as err:
                if not self.skip_bad:
                    raise
                self.skipped.append(str(err))
                log.warning("skipped %s", err)
                continue
            except OSError as err:
                raise PictureError(path, f"cannot read ({err.strerror})") from None
            ys.append(label)
            digests.append(hashlib.sha256(data).hexdigest())
            sources.append(str(path))
            if i % PROGRESS_EVERY == 0 or i == len(files):
                log.info("loaded %d of %d pictures", i, len(files))
        return xs, ys, digests, sources


def _make_split(xs: list[np.ndarray], ys: list[int], sources: list[str],
                pre: Preprocessing) -> Split:
    shape = (0, *pre.output_size(), pre.channels)
    x = np.stack(xs).astype(np.float32) if xs else np.zeros(shape, np.float32)
    return Split(x, np.asarray(ys, dtype=np.int64), sources)


def _split_by_hash(
    xs: list[np.ndarray], ys: list[int], digests: list[str], sources: list[str],
    pre: Preprocessing, rule: Callable[[str], str],
) -> dict[str, Split]:
    parts: dict[str, tuple[list, list, list]] = {s: ([], [], []) for s in SPLITS}
    for x, y, d, s in zip(xs, ys, digests, sources, strict=True):
        bx, by, bs = parts[rule(d)]
        bx.append(x)
        by.append(y)
        bs.append(s)
    return {k: _make_split(*v, pre) for k, v in parts.items()}


def _labelled_files(folders: list[Path], where: Path) -> list[tuple[Path, int]]:
    files = []
    for label, folder in enumerate(folders):
        found = _pictures(folder) if folder.is_dir() else []
        if not found:
            raise DataError(f"{folder}: class folder has no pictures")
        files += [(p, label) for p in found]
    return files


def load_training_set(folder: Path | None, pre: Preprocessing, positive: str | None = None,
                      skip_bad: bool = False) -> Dataset:
    """The pictures to train on: the folder's, or the embedded set when no folder is given."""
    log.info("loading %s", folder or "the embedded lfw_subset")
    return load_embedded(pre) if folder is None else load_folder(folder, pre, positive, skip_bad)


def load_folder(
    root: str | Path, pre: Preprocessing = DEFAULT, positive: str | None = None,
    skip_bad: bool = False, given_model: bool = False,
) -> Dataset:
    """Load a picture folder: class sub-folders, optionally under training/ and test/.

    ``given_model``: the pictures are for a model trained elsewhere (``--model``): classes
    in Keras's sorted order, and a flat folder of pictures (no labels) is accepted.
    """
    keras_order = given_model
    root = Path(root)
    if not root.exists():
        raise DataError(f"{root}: no such folder")
    if not root.is_dir():
        raise DataError(f"{root}: not a folder")
    loader = _Loader(pre, skip_bad)
    seed_layout = (root / "training").is_dir() and (root / "test").is_dir()
    if seed_layout:
        names = sorted({p.name for part in ("training", "test")
                        for p in _class_folders(root / part)})
        classes = _choose_classes(names, positive, root / "training", keras_order)
        groups = {part: loader.load(_labelled_files([root / part / c for c in classes], root))
                  for part in ("training", "test")}
        xs, ys, ds, ss = groups["training"]
        splits = _split_by_hash(xs, ys, ds, ss, pre, lambda d: assign(d, 0.9, 0.1))
        test = groups["test"]
        splits["test"] = _make_split(test[0], test[1], test[3], pre)
        rule = ("the folder's training/ and test/ split;"
                " 10% of training for validation by content hash")
    elif given_model and not _class_folders(root):
        files = _pictures(root, recursive=False)
        if not files:
            raise DataError(f"{root}: no pictures and no class folders")
        classes = []
        xs, ys, ds, ss = loader.load([(p, UNLABELLED) for p in files])
        splits = _split_by_hash(xs, ys, ds, ss, pre, assign)
        rule = "80/10/10 by the sha256 of each file's bytes (unlabelled)"
    else:
        names = [p.name for p in _class_folders(root)]
        classes = _choose_classes(names, positive, root, keras_order)
        xs, ys, ds, ss = loader.load(_labelled_files([root / c for c in classes], root))
        splits = _split_by_hash(xs, ys, ds, ss, pre, assign)
        rule = "80/10/10 by the sha256 of each file's bytes"
    labels = [_display(c, classes) for c in classes]
    data = Dataset(splits["train"], splits["val"], splits["test"], labels, str(root), rule,
                   loader.skipped)
    check_usable(data, training=not given_model)
    return data


def load_embedded(pre: Preprocessing = DEFAULT) -> Dataset:
    """scikit-image's lfw_subset: 100 faces and 100 non-faces, standing in for selfies."""
    from skimage.data import lfw_subset  # shipped inside the scikit-image wheel

    faces = lfw_subset()
    greys = np.rint(np.clip(faces, 0.0, 1.0) * 255.0).astype(np.uint8)
    if pre.color == "rgb":
        greys = np.repeat(greys[..., np.newaxis], 3, axis=-1)
    ys = [1] * 100 + [0] * 100  # the array holds 100 faces, then 100 non-faces
    xs = [pixels_to_input(g, pre) for g in greys]
    digests = [hashlib.sha256(g.tobytes()).hexdigest() for g in greys]
    sources = [f"skimage.data.lfw_subset[{i}]" for i in range(len(greys))]
    splits = _split_by_hash(xs, ys, digests, sources, pre, assign)
    data = Dataset(splits["train"], splits["val"], splits["test"], ["not_face", "face"],
                   "skimage.data.lfw_subset (embedded)",
                   "80/10/10 by the sha256 of each picture's 8-bit pixels")
    check_usable(data)
    return data


def check_usable(data: Dataset, training: bool = True) -> None:
    """Refuse a split too small to train, select or measure on: training needs every split
    and two classes among its pictures; an export of a given model needs pictures to
    calibrate on (train) and to check parity on (test)."""
    needed = SPLITS if training else ("train", "test")
    for name in needed:
        part: Split = getattr(data, name)
        if len(part) == 0:
            raise DataError(
                f"{data.source}: too few pictures: the {name} split is empty"
                f" ({data.counts()['train']} train, {len(data.val)} val, {len(data.test)} test)"
            )
    if training and len(set(data.train.y.tolist())) < 2:
        raise DataError(f"{data.source}: the training split holds only one class")
