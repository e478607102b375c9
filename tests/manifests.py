"""A small valid manifest for unit tests that need one without running an export."""

from __future__ import annotations

from pathlib import Path

from python.artifacts.manifest import (
    DataSummary,
    InputSpec,
    Manifest,
    Metrics,
    ModelSummary,
    OutputSpec,
    Signature,
    TrainingSummary,
    describe_artifact,
)
from python.artifacts.registry import spec
from python.data.pictures import DEFAULT


def manifest_with(root: Path, *artifacts: str) -> Manifest:
    """A manifest describing the named artifacts, whose files already exist under root."""
    return Manifest(
        input=InputSpec(height=40, width=40), output=OutputSpec(),
        signature=Signature("serve", "serving_default", "picture", "output_0", "picture",
                            "probability"),
        preprocessing=DEFAULT,
        labels=["not_selfie", "selfie"],
        threshold=0.5,
        data=DataSummary("test", "none", 1, 1, 1, 0, [], "test_split.npz"),
        training=TrainingSummary("seed", 1, 1, 32, 1e-3, "constant", 0, "none",
                                 {"0": 1.0, "1": 1.0}, {}),
        model=ModelSummary("trained by this export", "trained", "probabilities", "test"),
        metrics=Metrics(1.0, 1.0, {}, {}, {}, 0.0, "CPU"),
        artifacts={a: describe_artifact(root, spec(a)) for a in artifacts},
        quantization={}, parity={}, created="2026-01-01T00:00:00+00:00", tolerances={},
        digest_rule="", versions={})
