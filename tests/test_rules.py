"""The rules the export and parity stand on, each with hand-computed expectations."""

from __future__ import annotations

import numpy as np
import pytest

from python.artifacts import registry
from python.errors import ParityError
from python.export.quantization import pick_onnx_int8
from python.parity import tolerance
from python.parity.compare import compare, failures

METHODS = ("static_qdq", "static_qdq_per_tensor", "dynamic")


def _candidates(**given):
    return {m: given.get(m, {"loads": False, "error": "boom"}) for m in METHODS}


def test_pick_prefers_agreement_then_the_listed_order():
    c = _candidates(static_qdq={"loads": True, "bytes": 100, "label_agreement": 0.99},
                    static_qdq_per_tensor={"loads": True, "bytes": 100, "label_agreement": 0.99},
                    dynamic={"loads": True, "bytes": 100, "label_agreement": 1.0})
    assert pick_onnx_int8(c, METHODS, limit=300) == "dynamic"
    c["dynamic"]["label_agreement"] = 0.99
    assert pick_onnx_int8(c, METHODS, limit=300) == "static_qdq"  # tie: the first listed


def test_pick_keeps_the_size_bound_unless_nothing_meets_it():
    c = _candidates(static_qdq={"loads": True, "bytes": 400, "label_agreement": 1.0},
                    dynamic={"loads": True, "bytes": 200, "label_agreement": 0.95})
    assert pick_onnx_int8(c, METHODS, limit=300) == "dynamic"
    assert pick_onnx_int8(c, METHODS, limit=100) == "static_qdq"  # none small: best agreement


def test_pick_refuses_when_nothing_loads():
    with pytest.raises(ParityError, match="static_qdq: boom"):
        pick_onnx_int8(_candidates(), METHODS, limit=300)


def test_compare_counts_labels_and_the_largest_difference():
    ref = np.array([0.1, 0.6, 0.5, 0.9])
    got = np.array([0.1, 0.4, 0.5, 0.9 + 2e-6])
    c = compare("onnx", ref, got, threshold=0.5)
    assert c.n == 4 and c.label_agreement == 0.75  # 0.6 -> 0.4 crosses the threshold
    assert abs(c.max_abs_diff - 0.2) < 1e-12 and not c.ok


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_compare_never_passes_a_not_finite_probability(bad):
    ref = np.array([0.2, 0.7])
    c = compare("onnx", ref, np.array([0.2, bad]), threshold=0.5)
    assert c.max_abs_diff is None and not c.ok
    q = compare("onnx_int8", ref, np.array([0.2, bad]), threshold=0.5)
    assert not q.ok
    assert "not finite" in failures({"onnx/x": c})[0]


def test_compare_refuses_a_wrong_count():
    with pytest.raises(ParityError, match="3 outputs for 2 inputs"):
        compare("onnx", np.zeros(2), np.zeros(3), 0.5)


@pytest.mark.parametrize("artifact, runtime, diff, agreement, ok", [
    ("onnx", "onnxruntime", 1e-5, 1.0, True),
    ("onnx", "onnxruntime", 1.1e-5, 1.0, False),
    ("onnx", "onnxruntime", 0.0, 0.999, False),
    ("onnx", "java_files", 9e-4, 1.0, True),
    ("onnx", "java_files", 1.1e-3, 1.0, False),
    ("onnx_int8", "onnxruntime", 0.2, 0.99, True),
    ("onnx_int8", "onnxruntime", 0.0, 0.989, False),
    ("savedmodel", "tensorflow_java", None, 1.0, False),
])
def test_cell_tolerance(artifact, runtime, diff, agreement, ok):
    assert tolerance.cell_ok(artifact, diff, agreement, runtime) is ok


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
