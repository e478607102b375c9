"""The fidelity report: what the fast route's shortcuts cost this model, measured at export.

The faithful route prepares a picture as Hugging Face's processors do; the fast route (box
step, draft JPEG decoding, a float resize) is quicker on large pictures but gives other
inputs. A user choosing between them needs the difference on their own model and pictures:
the inputs' largest and mean difference, Keras's largest probability difference, and how many
labels change.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from python.artifacts.manifest import FidelityReport
from python.data.preprocessing import Preprocessing
from python.errors import PictureError
from python.export.config import ExportConfig
from python.export.prepare import Prepared

log = logging.getLogger(__name__)

#: Pictures measured at most: the large ones first, then the others in order.
MAX_PICTURES = 256
#: What a picture file is, for --photos.
PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff")


def large_enough(path: Path, pre: Preprocessing) -> bool:
    """Whether the fast route takes a shortcut on this picture (its box step runs)."""
    from PIL import Image

    side = pre.reduce_side()
    try:
        with Image.open(path) as im:
            return bool(side) and min(im.size) >= 2 * pre.reduce_to * side
    except Exception:  # noqa: BLE001 - an unreadable file is refused later, by both routes
        return False


def picture_files(sources: list[str], data: Path | None, photos: Path | None,
                  ) -> tuple[list[Path], list[str]]:
    """The data's pictures that are files, and those of --photos; the folders they are in."""
    files = [Path(s) for s in sources if Path(s).is_file()]
    folders = [str(data)] if files and data is not None else []
    if photos is not None:
        if not photos.is_dir():
            from python.errors import ToolkitError

            raise ToolkitError(f"{photos}: --photos needs a folder of pictures")
        files += sorted(p for p in photos.rglob("*") if p.suffix.lower() in PICTURE_SUFFIXES)
        folders.append(str(photos))
    return files, folders


def fidelity(predict, pre: Preprocessing, files: list[Path], folders: list[str],
             threshold: float | None) -> FidelityReport:
    """The fast route against the faithful one on up to MAX_PICTURES of ``files``."""
    from python.data.pictures import load_image
    from python.model.outputs import label_indices

    fast, faithful = pre.with_route("fast"), pre.with_route("faithful")
    large = [f for f in files if large_enough(f, pre)]
    is_large = set(large)
    chosen = (large + [f for f in files if f not in is_large])[:MAX_PICTURES]
    pairs = []
    for path in chosen:
        try:
            pairs.append((load_image(path, fast), load_image(path, faithful)))
        except PictureError:
            continue  # a picture either route refuses is not a difference between them
    n_large = min(len(large), len(chosen))  # the large ones come first
    if not pairs:
        return FidelityReport(0, 0, 0.0, 0.0, 0.0, 0, folders, note="no pictures to measure")
    x_fast = np.stack([a for a, _ in pairs])
    x_faithful = np.stack([b for _, b in pairs])
    diff = np.abs(x_fast.astype(np.float64) - x_faithful)
    p_fast, p_faithful = predict(x_fast), predict(x_faithful)
    changed = int(np.sum(label_indices(p_fast, threshold) != label_indices(p_faithful,
                                                                           threshold)))
    note = "" if n_large else (
        "no picture large enough for the fast route's box step or draft decoding: the"
        " differences are those of the float resize and alpha alone; give --photos DIR")
    return FidelityReport(
        pictures=len(pairs), large=n_large, max_input_diff=float(diff.max()),
        mean_input_diff=float(diff.mean()),
        max_probability_diff=float(np.abs(np.asarray(p_fast, np.float64) - p_faithful).max()),
        labels_changed=changed, folders=folders, note=note)


def describe(report: FidelityReport, route: str) -> str:
    """One line for the terminal."""
    if not report.pictures:
        return f"fidelity: {report.note}"
    text = (f"fidelity (fast route against faithful, this export on the {route} one):"
            f" {report.pictures} pictures ({report.large} large), inputs max"
            f" {report.max_input_diff:.3g} mean {report.mean_input_diff:.3g}, probabilities"
            f" max {report.max_probability_diff:.3g}, {report.labels_changed} label(s) changed")
    return text + (f"; {report.note}" if report.note else "")


def export_fidelity(prepared: Prepared, config: ExportConfig, threshold: float | None,
              ) -> FidelityReport | None:
    """The fast route against the faithful one, on the data's picture files and --photos."""
    from python.runtimes.loaders import keras_probabilities

    pre, data = prepared.preprocessing, prepared.data
    if not pre.do_resize:
        return None  # nothing is resized: the routes differ in colour only
    files, folders = picture_files(data.train.sources + data.val.sources + data.test.sources,
                                   config.data, config.photos)
    report = fidelity(lambda v: keras_probabilities(prepared.source.model, v), pre, files,
                      folders, threshold)
    log.info("%s", describe(report, pre.route))
    return report
