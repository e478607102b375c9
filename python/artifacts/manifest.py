"""manifest.json: what was exported, from what, how to feed it, and how well it agrees.

The manifest's shape is these dataclasses, read and written here and nowhere else.
``docs/manifest.schema.json`` is generated from them (``python -m
python.artifacts.manifest --schema``) and every written manifest is validated
against it in the tests; other runtimes (the Java library) read the same file.
"""

from __future__ import annotations

import json
import platform
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from python.artifacts.digests import artifact_bytes, artifact_sha256
from python.artifacts.registry import ArtifactSpec
from python.data.preprocessing import JPEG_DC_SCALE, Preprocessing, check_draft_scales
from python.data.preprocessing import VERSION as PREPROCESSING_VERSION
from python.errors import ArtifactError, ToolkitError

MANIFEST = "manifest.json"
#: 3: any model (input name, output classes, the model's source, missing artifacts) and
#: structured preprocessing; 2: typed manifest (replacing version 1's ``format_version``).
SCHEMA_VERSION = 3
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "manifest.schema.json"


@dataclass(frozen=True)
class InputSpec:
    """The model input: float32 ``[batch, height, width, channels]``, named as the model
    names it; ``range`` is the smallest and largest value its preprocessing makes."""

    height: int
    width: int
    channels: int = 1
    dtype: str = "float32"
    layout: str = "NHWC"
    range: tuple[float, float] = (0.0, 1.0)
    name: str = "picture"


@dataclass(frozen=True)
class OutputSpec:
    """The model output ``[batch, classes]``: one sigmoid unit (the positive class's
    probability, labelled by the threshold) or a softmax over ``classes`` labels."""

    classes: int = 1
    activation: str = "sigmoid"
    meaning: str = "probability of the positive class (labels[1])"
    shape: tuple[str, int] = ("batch", 1)
    dtype: str = "float32"
    #: The activation this export appended to the model's logits (null: the model's own).
    appended: str | None = None

    @classmethod
    def of(cls, classes: int, appended: str | None = None) -> OutputSpec:
        if classes == 1:
            return cls(appended=appended)
        return cls(classes=classes, activation="softmax", appended=appended,
                   meaning="probability of each label, in the order of labels",
                   shape=("batch", classes))


@dataclass(frozen=True)
class ModelSummary:
    """Where the exported model came from and what it was read to be."""

    source: str
    format: str  # keras, h5, savedmodel, or trained (by this export)
    ends_in: str  # probabilities or logits, as given
    how: str  # how that is known: read from the model, or --output
    own_rescaling: str | None = None  # a layer (or op) of the model that rescales its input
    own_normalization: str | None = None


@dataclass(frozen=True)
class MissingArtifact:
    """An artifact the export could not make, and why: the converter's reason and the ops
    it lacks."""

    reason: str
    ops: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Signature:
    """Names a runtime must use: the SavedModel's tag, signature and ends, ONNX's ends."""

    tag: str
    name: str
    input: str
    output: str
    onnx_input: str
    onnx_output: str


@dataclass(frozen=True)
class ArtifactEntry:
    """One written artifact: where it is (relative to the folder), what it is, its digest."""

    path: str
    format: str
    bytes: int
    sha256: str
    quantized: bool = False


@dataclass(frozen=True)
class DataSummary:
    source: str
    split_rule: str
    train: int
    val: int
    test: int
    skipped: int
    skipped_files: list[str]
    test_split_file: str


@dataclass(frozen=True)
class TrainingSummary:
    architecture: str
    epochs: int
    best_epoch: int
    batch_size: int
    learning_rate: float
    schedule: str
    seed: int
    augmentation: str
    class_weight: dict[str, float]
    history: dict[str, list[float]]
    #: The whole training configuration: ``python -m python.export --config`` repeats it.
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Metrics:
    test_accuracy: float
    balanced_accuracy: float
    recall: dict[str, float]
    confusion_matrix: dict[str, Any]
    #: accuracy and balanced accuracy on the validation split, at the manifest's threshold
    validation: dict[str, float] = field(default_factory=dict)
    training_seconds: float | None = None  # null when the export trained nothing
    device: str | None = None


@dataclass(frozen=True)
class FloatBound:
    """The float artifacts' bound on |p - p_ref| for this model, and where it came from:
    derived from float32's noise on the model (``python.parity.tolerance.FLOAT_BOUND_RULE``),
    or given with ``--atol``."""

    max_abs_diff: float
    #: The largest difference between Keras's own answers in other batch arrangements or with
    #: its weights rounded anew (``python.parity.noise``).
    noise: float
    #: How many test pictures the noise was measured on.
    pictures: int
    rule: str
    given: bool = False


@dataclass(frozen=True)
class FidelityReport:
    """The fast route against the faithful one on the same pictures (model inputs and
    Keras's answers): what the fast route's shortcuts cost on this model."""

    pictures: int
    #: Pictures large enough for a shortcut of the fast route (the box step, draft decoding).
    large: int
    max_input_diff: float
    mean_input_diff: float
    max_probability_diff: float
    labels_changed: int
    folders: list[str]
    note: str = ""


@dataclass(frozen=True)
class ParityCell:
    """One artifact in one runtime against Keras; max_abs_diff is null when not finite.

    ``not_applicable`` says why a runtime cannot run this model at all (the Java library
    from picture files, for a model it cannot yet prepare pictures for): such a cell is
    neither passed nor failed, and never counted as a pass.
    """

    max_abs_diff: float | None
    label_agreement: float
    n: int
    ok: bool
    error: str | None = None
    not_applicable: str | None = None


@dataclass(frozen=True)
class Manifest:
    """Everything a runtime needs to use the artifacts, and the evidence that they agree."""

    input: InputSpec
    output: OutputSpec
    signature: Signature
    preprocessing: Preprocessing
    labels: list[str]
    #: The positive label when probability >= threshold (one sigmoid unit); null for softmax.
    threshold: float | None
    data: DataSummary
    model: ModelSummary
    training: TrainingSummary | None  # null when the model was given (--model)
    metrics: Metrics | None  # null when the pictures had no labels
    artifacts: dict[str, ArtifactEntry]
    quantization: dict[str, dict[str, Any]]
    parity: dict[str, ParityCell]
    created: str
    tolerances: dict[str, float]
    digest_rule: str
    versions: dict[str, str]
    missing: dict[str, MissingArtifact] = field(default_factory=dict)
    #: Null in manifests written before the bound was derived: the fixed floor applies.
    float_bound: FloatBound | None = None
    fidelity: FidelityReport | None = None
    parity_java: str = "not run"
    threshold_rule: str = ""
    export_seconds: float | None = None
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def float_max_abs_diff(self) -> float:
        """The bound every float artifact's cells are held to."""
        from python.parity.tolerance import FLOAT_MAX_ABS_DIFF

        return self.float_bound.max_abs_diff if self.float_bound else FLOAT_MAX_ABS_DIFF

    def labels_for(self, probabilities: np.ndarray) -> list[str]:
        """The label of each row of probabilities [n, classes]."""
        from python.model.outputs import label_indices

        return [self.labels[i] for i in label_indices(probabilities, self.threshold)]

    def with_parity(self, cells: dict[str, ParityCell], parity_java: str | None = None,
                    ) -> Manifest:
        """A copy whose parity has these cells added (or replaced)."""
        return replace(self, parity={**self.parity, **cells},
                       parity_java=parity_java or self.parity_java)


def _adapter() -> Any:
    from pydantic import TypeAdapter  # validates nested JSON into the dataclasses above

    return TypeAdapter(Manifest)


def json_schema() -> dict[str, Any]:
    """The manifest's JSON Schema, generated from the dataclasses (one statement of the shape)."""
    schema = _adapter().json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema,
            "title": "modelparity manifest.json"}


def describe_artifact(root: Path, artifact: ArtifactSpec) -> ArtifactEntry:
    """The manifest entry for one artifact written under root."""
    path = root / artifact.file
    return ArtifactEntry(path=artifact.file, format=artifact.format,
                         bytes=artifact_bytes(path), sha256=artifact_sha256(path),
                         quantized=artifact.quantized)


def versions() -> dict[str, str]:
    """Versions of the Python side that made the artifacts."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for pkg in ("tensorflow", "keras", "tf2onnx", "onnx", "onnxruntime", "numpy", "pillow"):
        try:
            found[pkg] = version(pkg)
        except PackageNotFoundError:
            found[pkg] = "not installed"
    return found


def write_manifest(root: Path, manifest: Manifest) -> Path:
    path = Path(root) / MANIFEST
    text = json.dumps(manifest.to_json(), indent=2, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


#: The manifest versions this library reads, oldest first: ``schema_version``, and
#: ``preprocessing.version`` (3: the fast route, before there were two). The Java and
#: JavaScript readers hold the same rule and words (tests.versiongate writes the fixtures).
READS = {"schema_version": (SCHEMA_VERSION, SCHEMA_VERSION),
         "preprocessing version": (3, PREPROCESSING_VERSION)}


def version_problem(raw: object) -> str | None:
    """Why a parsed manifest's versions keep this library from reading it, or None: a newer
    one was written by a newer exporter (update the library), an older one is not read
    (export again)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("preprocessing"), dict):
        return "not a manifest (no schema_version and preprocessing): export again"
    found = {"schema_version": raw.get("schema_version"),
             "preprocessing version": raw["preprocessing"].get("version")}
    for name, value in found.items():
        oldest, newest = READS[name]
        reads = str(oldest) if oldest == newest else f"{oldest} to {newest}"
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{name} {json.dumps(value)} is not a whole number: export again"
        if value > newest:
            return (f"written by a newer exporter ({name} {value}, this library reads"
                    f" {reads}): update the library")
        if value < oldest:
            return f"{name} {value} is older than this library reads ({reads}): export again"
    return None


def read_manifest(root: Path) -> Manifest:
    """The folder's manifest, validated; any problem is one ArtifactError naming the file."""
    from pydantic import ValidationError

    path = Path(root) / MANIFEST
    if not path.is_file():
        raise ArtifactError(f"{path}: no manifest; run python -m python.export first")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ArtifactError(f"{path}: not a valid manifest ({err})") from None
    problem = version_problem(raw)
    if problem is not None:
        raise ArtifactError(f"{path}: {problem}")
    pre = raw["preprocessing"]
    # Before draft_scales, the fast route knew only 1/8: an older manifest reads as written.
    scales = pre.get("draft_scales", [pre.get("jpeg_dc_scale", JPEG_DC_SCALE)])
    try:
        check_draft_scales(scales, str(path))
    except ToolkitError as err:
        raise ArtifactError(str(err)) from None
    raw = {**raw, "preprocessing": {**pre, "draft_scales": scales}}
    try:
        return _adapter().validate_python(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ArtifactError(f"{path}: not a valid manifest ({where}: {first['msg']})") from None


def artifact_path(root: Path, manifest: Manifest, name: str) -> Path:
    """Where the manifest puts an artifact, refused unless it stays inside the folder.

    An absolute path, a ``..`` that leaves the folder, or a symbolic link pointing
    outside would let an altered manifest load any file whose digest it knows.
    """
    root = Path(root)
    if name not in manifest.artifacts:
        known = ", ".join(sorted(manifest.artifacts)) or "none"
        raise ArtifactError(f"{root / MANIFEST}: no artifact {name!r} (has {known})")
    relative = manifest.artifacts[name].path
    path = root / relative
    inside = root.resolve()
    if Path(relative).is_absolute() or not path.resolve().is_relative_to(inside):
        raise ArtifactError(f"{root / MANIFEST}: artifact {name!r} path {relative!r} leaves"
                            " the artifacts folder")
    return path


def checked_artifact(root: Path, manifest: Manifest, name: str) -> Path:
    """The artifact's path, after checking it exists and matches the manifest's sha256."""
    path = artifact_path(root, manifest, name)
    if not path.exists():
        raise ArtifactError(f"{path}: artifact {name!r} is missing")
    digest = artifact_sha256(path)
    expected = manifest.artifacts[name].sha256
    if digest != expected:
        raise ArtifactError(
            f"{path}: artifact {name!r} was altered (sha256 {digest[:12]}..., manifest says"
            f" {expected[:12]}...)"
        )
    return path


def main(argv: list[str]) -> int:
    """``--schema``: print the JSON Schema (docs/manifest.schema.json is this output)."""
    if argv != ["--schema"]:
        print("usage: python -m python.artifacts.manifest --schema", file=sys.stderr)
        return 2
    print(json.dumps(json_schema(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

