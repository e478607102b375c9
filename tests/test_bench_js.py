"""python -m python.bench.js measures what the export published: an int8 file the export left
out (it missed its bounds) is not an error, unless it was asked for by name."""

from __future__ import annotations

import pytest

from python.bench.js import chosen_formats
from python.errors import ToolkitError


def test_by_default_the_published_formats_are_measured():
    assert chosen_formats({"onnx", "onnx_int8", "tflite"}, None) == ["onnx", "onnx_int8"]
    assert chosen_formats({"onnx", "tflite", "tflite_int8"}, None) == ["onnx"]
    with pytest.raises(ToolkitError, match="none of onnx, onnx_int8"):
        chosen_formats({"savedmodel"}, None)


def test_a_format_asked_for_must_be_published():
    assert chosen_formats({"onnx", "onnx_int8"}, ["onnx_int8"]) == ["onnx_int8"]
    with pytest.raises(ToolkitError, match="no onnx_int8 .it has onnx, tflite."):
        chosen_formats({"onnx", "tflite"}, ["onnx", "onnx_int8"])
