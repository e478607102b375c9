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

from python.data.pictures import DEFAULT_IMAGE_SIZE, grey_to_input, load_image
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


@dataclass
class Split:
    """Model inputs, labels and where each picture came from."""

    x: np.ndarray
    y: np.ndarray
    sources: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.y.shape[0])


@dataclass
class Dataset:
    """A labelled data set split three ways, with what it was made from."""

    train: Split
    val: Split
    test: Split
    labels: list[str]
    source: str
    split_rule: str
    skipped: list[str] = field(default_factory=list)

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


def _pictures(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in PICTURE_SUFFIXES and not p.name.startswith(".")
    )


def _choose_classes(names: list[str], positive: str | None, where: Path) -> tuple[str, str]:
    if len(names) < 2:
        found = names[0] if names else "none"
        raise DataError(f"{where}: needs two class folders (e.g. 0/ and 1/), found {found}")
    if len(names) > 2:
        raise DataError(f"{where}: needs exactly two class folders, found {', '.join(names)}")
    if positive is None:
        positive = next((n for n in POSITIVE_NAMES if n in names), names[1])
    if positive not in names:
        raise DataError(f"{where}: --positive {positive!r} is not one of {', '.join(names)}")
    negative = names[0] if names[1] == positive else names[1]
    return negative, positive


def _display(name: str) -> str:
    return SEED_LABELS.get(name, name)


#: A progress line every this many pictures.
PROGRESS_EVERY = 500


class _Loader:
    """Decodes pictures, remembers skipped ones, logs progress."""

    def __init__(self, size: int, skip_bad: bool) -> None:
        self.size, self.skip_bad = size, skip_bad
        self.skipped: list[str] = []

    def load(self, files: list[tuple[Path, int]]) -> tuple[list[np.ndarray], list[int],
                                                          list[str], list[str]]:
        xs, ys, digests, sources = [], [], [], []
        for i, (path, label) in enumerate(files, 1):
            try:
                data = path.read_bytes()
                xs.append(load_image(path, self.size))
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


def _make_split(xs: list[np.ndarray], ys: list[int], sources: list[str], size: int) -> Split:
    x = np.stack(xs).astype(np.float32) if xs else np.zeros((0, size, size, 1), np.float32)
    return Split(x, np.asarray(ys, dtype=np.int64), sources)


def _split_by_hash(
    xs: list[np.ndarray], ys: list[int], digests: list[str], sources: list[str], size: int,
    rule: Callable[[str], str],
) -> dict[str, Split]:
    parts: dict[str, tuple[list, list, list]] = {s: ([], [], []) for s in SPLITS}
    for x, y, d, s in zip(xs, ys, digests, sources, strict=True):
        bx, by, bs = parts[rule(d)]
        bx.append(x)
        by.append(y)
        bs.append(s)
    return {k: _make_split(*v, size) for k, v in parts.items()}


def load_folder(
    root: str | Path, size: int = DEFAULT_IMAGE_SIZE, positive: str | None = None,
    skip_bad: bool = False,
) -> Dataset:
    """Load a picture folder: class sub-folders, optionally under training/ and test/."""
    root = Path(root)
    if not root.exists():
        raise DataError(f"{root}: no such folder")
    if not root.is_dir():
        raise DataError(f"{root}: not a folder")
    seed_layout = (root / "training").is_dir() and (root / "test").is_dir()
    loader = _Loader(size, skip_bad)
    if seed_layout:
        names = sorted({p.name for part in ("training", "test")
                        for p in _class_folders(root / part)})
        negative, pos = _choose_classes(names, positive, root / "training")
        groups = {}
        for part in ("training", "test"):
            files = []
            for name, label in ((negative, 0), (pos, 1)):
                folder = root / part / name
                found = _pictures(folder) if folder.is_dir() else []
                if not found:
                    raise DataError(f"{folder}: class folder has no pictures")
                files += [(p, label) for p in found]
            groups[part] = loader.load(files)
        xs, ys, ds, ss = groups["training"]
        splits = _split_by_hash(xs, ys, ds, ss, size, lambda d: assign(d, 0.9, 0.1))
        splits["test"] = _make_split(groups["test"][0], groups["test"][1], groups["test"][3], size)
        rule = ("the folder's training/ and test/ split;"
                " 10% of training for validation by content hash")
    else:
        names = [p.name for p in _class_folders(root)]
        negative, pos = _choose_classes(names, positive, root)
        files = []
        for name, label in ((negative, 0), (pos, 1)):
            found = _pictures(root / name)
            if not found:
                raise DataError(f"{root / name}: class folder has no pictures")
            files += [(p, label) for p in found]
        xs, ys, ds, ss = loader.load(files)
        splits = _split_by_hash(xs, ys, ds, ss, size, assign)
        rule = "80/10/10 by the sha256 of each file's bytes"
    data = Dataset(splits["train"], splits["val"], splits["test"],
                   [_display(negative), _display(pos)], str(root), rule, loader.skipped)
    check_usable(data)
    return data


def load_embedded(size: int = DEFAULT_IMAGE_SIZE) -> Dataset:
    """scikit-image's lfw_subset: 100 faces and 100 non-faces, standing in for selfies."""
    from skimage.data import lfw_subset  # shipped inside the scikit-image wheel

    faces = lfw_subset()
    greys = np.rint(np.clip(faces, 0.0, 1.0) * 255.0).astype(np.uint8)
    ys = [1] * 100 + [0] * 100  # the array holds 100 faces, then 100 non-faces
    xs = [grey_to_input(g, size) for g in greys]
    digests = [hashlib.sha256(g.tobytes()).hexdigest() for g in greys]
    sources = [f"skimage.data.lfw_subset[{i}]" for i in range(len(greys))]
    splits = _split_by_hash(xs, ys, digests, sources, size, assign)
    data = Dataset(splits["train"], splits["val"], splits["test"], ["not_face", "face"],
                   "skimage.data.lfw_subset (embedded)",
                   "80/10/10 by the sha256 of each picture's 8-bit pixels")
    check_usable(data)
    return data


def check_usable(data: Dataset) -> None:
    """Refuse a split too small to train, select or measure on."""
    for name in SPLITS:
        part: Split = getattr(data, name)
        if len(part) == 0:
            raise DataError(
                f"{data.source}: too few pictures: the {name} split is empty"
                f" ({data.counts()['train']} train, {len(data.val)} val, {len(data.test)} test)"
            )
    if len(set(data.train.y.tolist())) < 2:
        raise DataError(f"{data.source}: the training split holds only one class")
