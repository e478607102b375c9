"""Data folders: classes, splits by content hash (deterministic, no leakage), clear errors."""

from __future__ import annotations

import shutil

import pytest

from python.data.datasets import assign, load_embedded, load_folder
from python.errors import DataError
from tests.pictures import grey, make_folder


def _split_of(data):
    return {src: name for name in ("train", "val", "test")
            for src in getattr(data, name).sources}


def test_named_folders_and_positive_class(tmp_path):
    root = make_folder(tmp_path / "d", {"not_selfie": 30, "selfie": 30})
    data = load_folder(root, pre=grey(16))
    assert data.labels == ["not_selfie", "selfie"]
    flipped = load_folder(root, pre=grey(16), positive="not_selfie")
    assert flipped.labels == ["selfie", "not_selfie"]
    assert sum(data.counts()[s] for s in ("train", "val", "test")) == 60


def test_split_is_deterministic_and_independent_of_names(tmp_path):
    a = make_folder(tmp_path / "a", {"0": 40, "1": 40})
    first = load_folder(a, pre=grey(16))
    b = tmp_path / "b"
    shutil.copytree(a, b)
    for p in sorted(b.rglob("*.png")):
        p.rename(p.with_name(f"renamed_{p.stem[::-1]}.png"))
    second = load_folder(b, pre=grey(16))
    for name in ("train", "val", "test"):
        assert sorted(getattr(first, name).x.sum(axis=(1, 2, 3)).round(4).tolist()) == \
            sorted(getattr(second, name).x.sum(axis=(1, 2, 3)).round(4).tolist())


def test_duplicate_picture_lands_in_one_split(tmp_path):
    root = make_folder(tmp_path / "d", {"0": 40, "1": 40})
    originals = sorted((root / "1").glob("*.png"))
    for p in originals:
        shutil.copy(p, p.with_name("copy_of_" + p.name))
    data = load_folder(root, pre=grey(16))
    where = _split_of(data)
    for p in originals:
        assert where[str(p)] == where[str(p.with_name("copy_of_" + p.name))]


def test_assign_proportions():
    import hashlib

    splits = [assign(hashlib.sha256(str(i).encode()).hexdigest()) for i in range(10000)]
    assert abs(splits.count("train") / 10000 - 0.8) < 0.02
    assert abs(splits.count("test") / 10000 - 0.1) < 0.02


def test_seed_layout_keeps_its_test_split(tmp_path):
    root = tmp_path / "d"
    make_folder(root / "training", {"0": 40, "1": 30}, seed=1)
    make_folder(root / "test", {"0": 10, "1": 5}, seed=2)
    data = load_folder(root, pre=grey(16))
    assert len(data.test) == 15
    assert all("/test/" in s for s in data.test.sources)
    assert len(data.train) + len(data.val) == 70 and len(data.val) > 0


@pytest.mark.parametrize("counts, message", [
    ({"0": 10}, "needs at least two class folders"),
    ({"0": 10, "1": 0}, "has no pictures"),
    ({"0": 1, "1": 1}, "too few pictures"),
])
def test_unusable_folders_are_clear_errors(tmp_path, counts, message):
    root = make_folder(tmp_path / "d", counts)
    with pytest.raises(DataError, match=message):
        load_folder(root, pre=grey(16))


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match="no such folder"):
        load_folder(tmp_path / "nowhere")


def test_bad_picture_stops_unless_skipped(tmp_path):
    root = make_folder(tmp_path / "d", {"0": 30, "1": 30})
    (root / "1" / "broken.png").write_bytes(b"")
    with pytest.raises(Exception, match="broken.png: empty file"):
        load_folder(root, pre=grey(16))
    data = load_folder(root, pre=grey(16), skip_bad=True)
    assert data.counts()["skipped"] == 1 and "broken.png" in data.skipped[0]


def test_embedded_default_is_offline_and_balanced():
    data = load_embedded(grey(25))
    assert data.labels == ["not_face", "face"]
    assert sum(data.counts()[s] for s in ("train", "val", "test")) == 200
    assert 0.3 < data.train.y.mean() < 0.7
    assert data.train.x.shape[1:] == (25, 25, 1)


def test_seed_data_split_counts(seed_data):
    data = load_folder(seed_data)
    assert len(data.test) == 333 and len(data.train) + len(data.val) == 1280
    assert data.counts()["skipped"] == 0
    assert data.labels == ["not_selfie", "selfie"]
