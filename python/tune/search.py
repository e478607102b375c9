"""The hyperparameter search: Optuna proposes training configurations, validation judges them.

A trial trains its configuration once per seed (``SEEDS``) on the training split
and scores each model on the validation split only (balanced accuracy at the
threshold that maximises it, as the export will choose it); the trial's value is
the mean. The test split is never looked at. Unpromising trials are pruned during
the first seed's training by Optuna's Keras integration; a training slower than
the budget is pruned too. The study lives in Optuna's storage (SQLite by default),
so a search can stop and resume, and several processes can work on one study.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from python.data.datasets import Dataset
from python.training.fit import TrainingConfig

log = logging.getLogger(__name__)

#: Seeds each trial trains with; the objective is the mean over them.
SEEDS = (0, 1)
#: A training slower than this (seconds, this machine) is pruned: too slow to ship.
TIME_BUDGET = 60.0
#: The metric the pruning callback watches, added to Keras's logs each epoch.
MONITOR = "val_balanced_accuracy"


@dataclass(frozen=True)
class SearchSpace:
    """What the search may vary; ``max_epochs`` bounds a quick search (CI)."""

    max_epochs: int = 100
    image_size: int = 40

    def suggest(self, trial: object) -> TrainingConfig:
        architecture = trial.suggest_categorical("architecture", ["compact", "fast"])
        # compact costs about three times fast per epoch (measured: 30 epochs in 55 s
        # against 100 in 51 s on the seed data): each gets the epochs that fit the budget
        most = min(self.max_epochs, 35 if architecture == "compact" else 100)
        low = min(15 if architecture == "compact" else 40, most)
        return TrainingConfig(
            architecture=architecture,
            width=trial.suggest_categorical("width", [8, 16, 24, 32]),
            head=(trial.suggest_categorical("head", [64, 128, 256]) if architecture == "fast"
                  else 256),
            dropout=trial.suggest_float("dropout", 0.0, 0.5, step=0.1),
            learning_rate=trial.suggest_float("learning_rate", 3e-4, 1e-2, log=True),
            schedule=trial.suggest_categorical("schedule", ["constant", "cosine"]),
            epochs=trial.suggest_int(f"epochs_{architecture}", low, most,
                                     step=5 if most > 5 else 1),
            batch_size=trial.suggest_categorical("batch_size", [16, 32, 64]),
            augment=trial.suggest_categorical("augment", ["none", "mirror", "random"]),
            class_weight=trial.suggest_categorical("class_weight", ["balanced", "none"]),
            mirror_average=trial.suggest_categorical("mirror_average", [True, False]),
            image_size=self.image_size,
        )


def params_of(config: TrainingConfig) -> dict[str, object]:
    """The search's parameters for a configuration (``SearchSpace.suggest`` backwards), so a
    known configuration can be enqueued as a trial."""
    params: dict[str, object] = {
        "architecture": config.architecture, "width": config.width, "dropout": config.dropout,
        "learning_rate": config.learning_rate, "schedule": config.schedule,
        f"epochs_{config.architecture}": config.epochs, "batch_size": config.batch_size,
        "augment": config.augment, "class_weight": config.class_weight,
        "mirror_average": config.mirror_average}
    if config.architecture == "fast":
        params["head"] = config.head
    return params


def validation_score(data: Dataset, config: TrainingConfig,
                     callbacks: tuple[object, ...] = ()) -> dict[str, float]:
    """Train one model; its validation balanced accuracy at its best threshold."""
    from python.runtimes.loaders import keras_probabilities
    from python.training.fit import train
    from python.training.metrics import accuracy, balanced_accuracy, best_threshold

    result = train(data, config, callbacks)
    p = keras_probabilities(result.model, data.val.x)
    threshold = best_threshold(data.val.y, p)
    return {"balanced_accuracy": balanced_accuracy(data.val.y, p, threshold),
            "accuracy": accuracy(p, data.val.y, threshold), "threshold": threshold,
            "seconds": result.seconds, "best_epoch": result.best_epoch}


def _balanced_accuracy_in_logs(data: Dataset, spent: list[float]) -> object:
    """Keras callback: puts validation balanced accuracy (threshold 0.5) into the logs; marks
    in ``spent[1]`` when the search's own work at the end of an epoch began."""
    import keras

    from python.runtimes.loaders import keras_probabilities
    from python.training.metrics import balanced_accuracy

    class Monitor(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            spent[1] = time.perf_counter()
            if logs is not None:
                p = keras_probabilities(self.model, data.val.x)
                logs[MONITOR] = balanced_accuracy(data.val.y, p, 0.5)

    return Monitor()


class _TimeBudget:
    """Keras callback: prune the trial once its training has run past the time budget.

    What the search adds to each epoch (the monitor's validation pass, the pruner's report to
    the study's database, run between the monitor's mark and this callback) is not the
    training's: those seconds are summed in ``spent[0]`` and left out, so a configuration is
    judged by what an export's training of it would take (the default's 100 epochs: 55 s
    alone, about 62 s with the search's work).
    """

    def __new__(cls, budget: float, spent: list[float]):
        import keras
        import optuna

        class TimeBudget(keras.callbacks.Callback):
            def on_train_begin(self, logs: dict | None = None) -> None:
                self.started = time.perf_counter()

            def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
                now = time.perf_counter()
                if spent[1]:
                    spent[0] += now - spent[1]
                    spent[1] = 0.0
                if now - self.started - spent[0] > budget:
                    raise optuna.TrialPruned(f"training ran past {budget:g} s")

        return TimeBudget()


def objective(data: Dataset, space: SearchSpace, budget: float = TIME_BUDGET):
    """The function Optuna calls for each trial."""

    def run(trial: object) -> float:
        from python.quiet import native_stderr_silenced

        with native_stderr_silenced():  # it imports TensorFlow: CUDA plugins' lines on a CPU
            from optuna_integration import KerasPruningCallback

        config = space.suggest(trial)
        scores = []
        for i, seed in enumerate(SEEDS):
            seeded = config.updated(seed=seed)
            spent = [0.0, 0.0]  # the search's own seconds; when its work began this epoch
            callbacks: tuple[object, ...] = (_TimeBudget(budget, spent),)
            if i == 0:  # Optuna's reports are one curve per trial: the first seed's
                callbacks = (_balanced_accuracy_in_logs(data, spent),
                             KerasPruningCallback(trial, MONITOR), *callbacks)
            score = validation_score(data, seeded, callbacks)
            trial.set_user_attr(f"seed{seed}", score)
            scores.append(score["balanced_accuracy"])
            log.info("trial %d seed %d: validation balanced accuracy %.4f in %.1f s",
                     trial.number, seed, score["balanced_accuracy"], score["seconds"])
        trial.set_user_attr("config", config.to_json())
        return float(np.mean(scores))

    return run
