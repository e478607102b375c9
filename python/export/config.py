"""What one export run is asked to do: a frozen configuration, made from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from python.training.fit import TrainingConfig


@dataclass(frozen=True)
class ExportConfig:
    """Where the model and pictures come from, where the artifacts go, and how to check them.

    Either ``training`` (the export trains the model) or ``model`` (a user's model file,
    exported as it is, with ``data`` its pictures) is set.
    """

    training: TrainingConfig | None = None
    model: Path | None = None
    out: Path = Path("artifacts")
    data: Path | None = None  # None: the embedded data set (training only)
    positive: str | None = None
    quantize: bool = False
    int8_select: str = "labels"  # or "fastest": the int8 recipe by speed on this machine
    threshold: float | None = None  # None: the one that maximises validation balanced accuracy
    skip_bad: bool = False
    labels: Path | None = None  # one label per line, in output order
    preprocessing: Path | None = None  # a Hugging Face preprocessor_config.json
    output: str | None = None  # probabilities or logits, where the model does not say
    require: tuple[str, ...] = ()  # artifacts whose absence fails the export
    save_model: Path | None = None  # where the trained model is written as .keras
    atol: float | None = None  # the float bound; None: derived from the model's noise
    photos: Path | None = None  # large pictures for the fidelity report
    #: How the manifest names the given model where its file is not the user's (an
    #: in-memory keras.Model, saved to a temporary file): None names the file.
    model_name: str | None = None

    def __post_init__(self) -> None:
        if self.threshold is not None and not 0.0 < self.threshold < 1.0:
            raise ValueError("threshold must be between 0 and 1")
        if (self.training is None) == (self.model is None):
            raise ValueError("give either a training configuration or --model")
        if self.model is not None and self.data is None:
            raise ValueError("--model needs --data: the pictures to calibrate int8 on and to"
                             " check parity on")
        if self.save_model is not None and self.save_model.suffix != ".keras":
            raise ValueError("--save-model needs a file name ending in .keras")
