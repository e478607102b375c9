"""The rules the export and parity stand on, each with hand-computed expectations."""

from __future__ import annotations

import numpy as np
import pytest

from python.artifacts import registry
from python.errors import ParityError
from python.parity import tolerance
from python.parity.compare import compare, failures


def test_compare_counts_labels_and_the_largest_difference():
    ref = np.array([0.1, 0.6, 0.5, 0.9])
    got = np.array([0.1, 0.4, 0.5, 0.9 + 2e-6])
    c = compare("onnx", ref, got, threshold=0.5)
    assert c.n == 4 and c.label_agreement == 0.75  # 0.6 -> 0.4 crosses the threshold
    assert abs(c.max_abs_diff - 0.2) < 1e-12 and not c.ok


def test_a_label_within_the_tolerance_of_its_decision_is_not_a_disagreement():
    # One unit: 1e-7 under the threshold in Keras, on it in ONNX, as a 4-epoch model gave.
    ref = np.array([0.5 - 1e-7, 0.2, 0.8])
    c = compare("onnx", ref, np.array([0.5, 0.2, 0.8]), threshold=0.5)
    assert c.label_agreement == 1.0 and c.ok
    # Away from the threshold a flip still counts, and int8 gets no such allowance.
    c = compare("onnx", ref, np.array([0.5 - 1e-7, 0.5, 0.8]), threshold=0.5)
    assert c.label_agreement < 1.0 and not c.ok
    q = compare("onnx_int8", ref, np.array([0.5, 0.2, 0.8]), threshold=0.5)
    assert q.label_agreement < 1.0
    # Several classes: the runner-up within two tolerances of the top.
    ref = np.array([[0.4, 0.4 + 1e-6, 0.2 - 1e-6], [0.7, 0.2, 0.1]])
    c = compare("onnx", ref, np.array([[0.4 + 1e-6, 0.4, 0.2 - 1e-6], [0.7, 0.2, 0.1]]), None)
    assert c.label_agreement == 1.0 and c.ok
    c = compare("onnx", ref, np.array([[0.4 + 1e-6, 0.4, 0.2 - 1e-6], [0.2, 0.7, 0.1]]), None)
    assert c.label_agreement == 0.5 and not c.ok


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_compare_never_passes_a_not_finite_probability(bad):
    ref = np.array([0.2, 0.7])
    c = compare("onnx", ref, np.array([0.2, bad]), threshold=0.5)
    assert c.max_abs_diff is None and not c.ok
    q = compare("onnx_int8", ref, np.array([0.2, bad]), threshold=0.5)
    assert not q.ok
    assert "not finite" in failures({"onnx/x": c})[0]


def test_compare_refuses_a_wrong_count():
    with pytest.raises(ParityError, match="shape 3 for 2 inputs"):
        compare("onnx", np.zeros(2), np.zeros(3), 0.5)


@pytest.mark.parametrize("artifact, diff, agreement, bound, ok", [
    ("onnx", 1e-5, 1.0, 1e-5, True),
    ("onnx", 1.1e-5, 1.0, 1e-5, False),
    ("onnx", 1.1e-5, 1.0, 2e-5, True),
    ("onnx", 0.0, 0.999, 1e-5, False),
    ("onnx_int8", 0.2, 0.99, 1e-5, True),
    ("onnx_int8", 0.0, 0.989, 1e-5, False),
    ("savedmodel", None, 1.0, 1e-5, False),
])
def test_cell_tolerance(artifact, diff, agreement, bound, ok):
    """One rule for every runtime, the from-files ones included: the model's float bound."""
    assert tolerance.cell_ok(artifact, diff, agreement, bound) is ok


def test_registry_is_consistent():
    """Every entry names a known runtime, a loader and, if quantized, a float twin."""
    from python.runtimes.loaders import LOADERS

    names = [a.name for a in registry.ARTIFACTS]
    assert len(names) == len(set(names))
    assert len({a.file for a in registry.ARTIFACTS}) == len(names)
    for a in registry.ARTIFACTS:
        assert a.python_runtime in registry.PYTHON_RUNTIMES and a.python_runtime in LOADERS
        assert set(a.java_runtimes) <= set(registry.JAVA_RUNTIMES)
        if a.quantized:
            assert not registry.spec(a.float_twin).quantized
    assert registry.java_artifacts("onnxruntime_java") == ("onnx", "onnx_int8")
    assert registry.spec("tflite_int8").quantized and not registry.spec("tflite").quantized


def _recipe(size=0.25, drop=0.0, test_drop=0.0, latency=0.5, throughput=2.0, **more):
    return {"loads": True, "size_ratio": size, "selection_accuracy_drop": drop,
            "test_accuracy_drop": test_drop, "latency_ratio": latency,
            "throughput_ratio": throughput, "selection_label_agreement": 1.0, **more}


def test_int8_pick_keeps_the_most_labels_then_the_smallest_never_the_fastest():
    from python.export.quantization import pick

    recipes = {"a": _recipe(size=0.28, latency=0.6, throughput=2.0),
               "b": _recipe(size=0.25, latency=0.9, throughput=1.1),   # smaller, slower
               "c": _recipe(latency=0.3, throughput=3.0, drop=0.006),   # too inaccurate
               "d": _recipe(latency=0.2, throughput=4.0, size=0.31),        # too big
               "e": _recipe(latency=0.1, throughput=9.0, loads_in_oldest=False)}
    assert pick(recipes) == ("b", "the recipe that keeps the most labels, then the smallest,"
                                  " within every bound")
    recipes["b"]["selection_label_agreement"] = 0.995  # flips one label in 200
    assert pick(recipes)[0] == "a"
    recipes["b"]["selection_label_agreement"] = 1.0
    recipes["b"]["loads"] = False
    assert pick(recipes)[0] == "a"
    recipes["b"]["loads"] = True
    for entry in recipes.values():  # another machine's clock: the same choice
        entry["latency_ratio"], entry["throughput_ratio"] = 1.7, 0.5
    assert pick(recipes)[0] == "b"


def test_int8_pick_without_labels_judges_by_labels_kept():
    """Unlabelled pictures: no accuracy is measured; the float model's labels decide."""
    from python.export.quantization import pick

    recipes = {"a": _recipe(latency=0.6, drop=None), "b": _recipe(latency=0.4, drop=None,
                                                                  selection_label_agreement=0.97)}
    assert pick(recipes)[0] == "a"


def test_int8_pick_never_keeps_answers_that_move_with_the_batch():
    """Dynamic quantization scales by each batch's range: a picture's answer then depends on
    its batch-mates (the Java library batches 64), so such a recipe is never kept."""
    from python.export.quantization import pick

    recipes = {"dynamic": _recipe(latency=0.2, batch_dependence=7e-4),
               "static": _recipe(latency=0.6, batch_dependence=0.0)}
    assert pick(recipes)[0] == "static"
    chosen, why = pick({"dynamic": _recipe(batch_dependence=7e-4)})
    assert chosen is None and "differently with other pictures in its batch" in why
    assert "dynamic by 0.0007" in why


def test_int8_pick_falls_back_and_the_bounds_say_what_failed():
    from python.export.quantization import bounds, pick

    recipes = {"slow": _recipe(latency=1.3, throughput=0.9),
               "slower": _recipe(latency=1.5, throughput=0.8)}
    assert pick(recipes)[0] == "slow"
    held = bounds(recipes["slow"])
    assert not held["latency_ratio"]["ok"] and held["latency_ratio"]["value"] == 1.3
    assert not held["inverse_throughput_ratio"]["ok"]
    assert abs(held["inverse_throughput_ratio"]["value"] - 1 / 0.9) < 1e-4
    assert held["size_ratio"]["ok"] and held["test_accuracy_drop"]["ok"]


def test_int8_pick_keeps_nothing_that_loses_the_model():
    """No recipe keeps 99% of float's labels, or none loads: no int8 file, and why."""
    from python.export.quantization import pick

    chosen, why = pick({"x": _recipe(selection_label_agreement=0.62),
                        "y": _recipe(selection_label_agreement=0.75)})
    assert chosen is None and "the best, y, keeps 75.0%" in why
    chosen, why = pick({"x": _recipe(loads_in_oldest=False)})
    assert chosen is None and "x: does not load in the oldest" in why


def test_best_threshold_maximises_balanced_accuracy():
    from python.training.metrics import balanced_accuracy, best_threshold

    y = np.array([0, 0, 0, 0, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.45, 0.4, 0.9])
    # By hand: t=0.35 gives recall 3/4 and 2/2 -> 0.875; t=0.5 gives 4/4 and 1/2 -> 0.75;
    # t=0.425 gives 3/4 and 1/2 -> 0.625; lower cuts lose more not-selfies: 0.35 is best.
    assert best_threshold(y, p) == pytest.approx(0.35)
    assert balanced_accuracy(y, p, 0.35) == pytest.approx(0.875)


def test_best_threshold_keeps_half_when_nothing_is_better():
    from python.training.metrics import best_threshold

    y = np.array([0, 1])
    assert best_threshold(y, np.array([0.2, 0.8])) == 0.5  # every cut in (0.2, 0.8] is perfect


def test_disk_full_is_recognised_from_python_and_native_errors():
    import errno

    from python.errors import cli_main, is_disk_full

    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert is_disk_full(RuntimeError("RESOURCE_EXHAUSTED: model.tflite; No space left on device"))
    assert not is_disk_full(OSError(errno.ENOENT, "No such file or directory"))

    @cli_main
    def writes() -> int:
        raise OSError(errno.ENOSPC, "No space left on device", "out/model.onnx")

    assert writes() == 3


def test_an_int8_file_out_of_tolerance_is_left_out_and_a_float_one_fails(tmp_path):
    """int8 whose parity fails: removed from the stage, listed as missing with its cells;
    float out of tolerance: the export fails (ParityError)."""
    from python.artifacts.manifest import ParityCell
    from python.export.pipeline import drop_failed_int8

    (tmp_path / "model_int8.onnx").write_bytes(b"int8")
    artifacts = {"onnx": object(), "onnx_int8": object()}
    cells = {"onnx/onnxruntime": ParityCell(1e-7, 1.0, 26, True),
             "onnx_int8/onnxruntime": ParityCell(0.06, 0.9615, 26, False),
             "onnx_int8/onnxruntime_java": ParityCell(0.06, 0.9615, 26, False)}
    missing = drop_failed_int8(tmp_path, artifacts, cells, "in Python")
    assert set(artifacts) == {"onnx"} and set(cells) == {"onnx/onnxruntime"}
    assert not (tmp_path / "model_int8.onnx").exists()
    assert missing["onnx_int8"].reason.startswith("out of tolerance in Python: onnx_int8/")
    assert "96.15%" in missing["onnx_int8"].reason
    cells["onnx/onnxruntime"] = ParityCell(2e-5, 1.0, 26, False)
    with pytest.raises(ParityError, match="out of tolerance: onnx/onnxruntime"):
        drop_failed_int8(tmp_path, artifacts, cells, "in Python")


def test_an_int8_recipe_answering_nan_is_measured_as_not_usable(tmp_path, monkeypatch):
    """A recipe whose answers hold NaN gets an error, not a NaN in the manifest (JSON has
    none, and pick must never choose it)."""
    import python.runtimes.loaders as loaders
    from python.export import quantization

    float_file = tmp_path / "model.onnx"
    float_file.write_bytes(b"float")
    monkeypatch.setattr(quantization, "_recipes", lambda fmt: (type("R", (), {"name": "bad"}),))
    monkeypatch.setattr(quantization, "_convert",
                        lambda fmt, f, s, out, c, r, kept: out.write_bytes(b"int8"))

    def load_artifact(artifact, path, threads=None):
        nan = path.suffix == ".onnx" and path.name != "model.onnx"
        return lambda x: np.full((len(x), 3), np.nan if nan else 0.3, np.float32)

    monkeypatch.setattr(loaders, "load_artifact", load_artifact)
    x = np.zeros((4, 8, 8, 3), np.float32)
    splits = quantization.Splits(x, x, None, x, None, None, np.full((4, 3), 0.3), [(0.0, 1.0)] * 3)
    recipes, files = quantization._make_and_measure("onnx_int8", float_file, tmp_path, splits,
                                                    None, tmp_path)
    assert files == {} and not recipes["bad"]["loads"]
    assert "NaN or infinity" in recipes["bad"]["error"]
    assert quantization.pick(recipes)[0] is None


def test_int8_size_bound_holds_for_large_models_only_and_fastest_is_a_choice():
    """Below 1 MB the fixed cost of scales and QDQ nodes dominates: the size is reported, not
    held. --int8-select fastest takes the fastest recipe within the bounds."""
    from python.export.quantization import bounds, pick

    recipes = {"big": _recipe(size=0.42, latency=0.5), "small": _recipe(size=0.29, latency=0.9,
                                                                     selection_label_agreement=0.995)}
    assert pick(recipes, float_bytes=2_000_000)[0] == "small"
    assert pick(recipes, float_bytes=200_000)[0] == "big"
    held = bounds(recipes["big"], float_bytes=200_000)["size_ratio"]
    assert held == {"value": 0.42, "limit": None, "ok": True}
    assert not bounds(recipes["big"], float_bytes=2_000_000)["size_ratio"]["ok"]
    fast = {"a": _recipe(latency=0.9, throughput=1.2), "b": _recipe(latency=0.4, throughput=3.0,
                                                                 selection_label_agreement=0.99)}
    assert pick(fast)[0] == "a"
    chosen, why = pick(fast, select="fastest")
    assert chosen == "b" and "--int8-select fastest" in why
