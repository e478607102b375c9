"""What one export run is asked to do: a frozen configuration, made from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from python.training.fit import TrainingConfig


@dataclass(frozen=True)
class ExportConfig:
    """Where the pictures come from, where the artifacts go, and how to train and check them."""

    training: TrainingConfig
    out: Path = Path("artifacts")
    data: Path | None = None  # None: the embedded data set
    positive: str | None = None
    quantize: bool = False
    threshold: float | None = None  # None: the one that maximises validation balanced accuracy
    skip_bad: bool = False

    def __post_init__(self) -> None:
        if self.threshold is not None and not 0.0 < self.threshold < 1.0:
            raise ValueError("threshold must be between 0 and 1")
