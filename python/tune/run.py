"""Run a search on an Optuna study and write what it found; evaluate a configuration over seeds."""

from __future__ import annotations

import csv
import json
import logging
import os
import time
import warnings
from pathlib import Path

import numpy as np

from python.data.datasets import Dataset
from python.training.fit import TrainingConfig

log = logging.getLogger(__name__)

BEST = "best.json"
TRIALS = "trials.csv"


def load_data(data: Path | None, size: int = 40) -> Dataset:
    from python.data.datasets import load_embedded, load_folder
    from python.data.preprocessing import default

    pre = default(1, size, size)
    return load_embedded(pre) if data is None else load_folder(data, pre)


def open_study(storage: str | None, name: str, out: Path) -> object:
    """The study in its storage, created or resumed; each process samples with its own seed."""
    import optuna

    out.mkdir(parents=True, exist_ok=True)
    # A heartbeat marks the trials of a process that died (killed, machine lost) as failed
    # once another process works on the study, instead of leaving them running for ever.
    with warnings.catch_warnings():  # heartbeats are marked experimental; they work
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        rdb = optuna.storages.RDBStorage(storage or f"sqlite:///{out / 'study.db'}",
                                         heartbeat_interval=30, grace_period=120)
    sampler = optuna.samplers.TPESampler(seed=os.getpid(), n_startup_trials=8)
    # 25 epochs before a trial can be pruned: a cosine schedule over 100 epochs starts slowly,
    # and with 10 the default's own settings were pruned at epoch 10.
    pruner = optuna.pruners.MedianPruner(n_startup_trials=4, n_warmup_steps=25)
    return optuna.create_study(storage=rdb, study_name=name, direction="maximize",
                               sampler=sampler, pruner=pruner, load_if_exists=True)


def search(data_dir: Path | None, out: Path, storage: str | None, name: str,
           trials: int | None, timeout: float | None, max_epochs: int,
           time_budget: float = 60.0, enqueue: list[Path] | tuple[Path, ...] = ()) -> str:
    import optuna

    from python.tune.search import SearchSpace, objective, params_of

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    data = load_data(data_dir)
    study = open_study(storage, name, out)
    for config_file in enqueue:  # tried before anything the sampler proposes
        study.enqueue_trial(params_of(TrainingConfig.from_file(config_file)),
                            skip_if_exists=True)
    before = len(study.trials)
    started = time.perf_counter()
    study.optimize(objective(data, SearchSpace(max_epochs=max_epochs), time_budget),
                   n_trials=trials,
                   timeout=timeout, gc_after_trial=True)
    log.info("ran %d trials in %.0f s; the study has %d", len(study.trials) - before,
             time.perf_counter() - started, len(study.trials))
    return write_results(study, out, data_dir)


def write_results(study: object, out: Path, data_dir: Path | None) -> str:
    """best.json, trials.csv, the two plots; a summary of the five best trials."""
    import optuna

    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not done:
        return f"no trial completed yet in study {study.study_name!r}"
    best = study.best_trial
    config = best.user_attrs["config"]
    (out / BEST).write_text(json.dumps({
        "training": {**config, "seed": 0},
        "trial": best.number, "study": study.study_name,
        "validation_balanced_accuracy_mean": best.value,
        "per_seed": {k: v for k, v in best.user_attrs.items() if k.startswith("seed")},
        "data": str(data_dir or "embedded lfw_subset"),
        "note": "python -m python.export --config best.json trains this (seed 0);"
                " python -m python.tune --evaluate best.json --seeds 0-4 measures it",
    }, indent=2) + "\n")
    _trials_table(study, out / TRIALS)
    _plots(study, out)
    top = sorted(done, key=lambda t: -t.value)[:5]
    lines = [f"{len(done)} complete, {len(study.trials) - len(done)} pruned or failed;"
             f" wrote {out / BEST}, {out / TRIALS}, plots", "",
             "trial  validation balanced accuracy  configuration"]
    lines += [f"{t.number:5d}  {t.value:.4f}  " + json.dumps(
        {k: v for k, v in t.params.items()}) for t in top]
    return "\n".join(lines)


def _trials_table(study: object, path: Path) -> None:
    names = sorted({k for t in study.trials for k in t.params})
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["number", "state", "value", "seconds", *names])
        for t in study.trials:
            seconds = (t.datetime_complete - t.datetime_start).total_seconds() \
                if t.datetime_complete and t.datetime_start else ""
            w.writerow([t.number, t.state.name, "" if t.value is None else f"{t.value:.4f}",
                        f"{seconds:.1f}" if seconds != "" else "",
                        *[t.params.get(n, "") for n in names]])


def _plots(study: object, out: Path) -> None:
    """Optimisation history and parameter importances (PED-ANOVA: needs no scikit-learn)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from optuna.exceptions import ExperimentalWarning
    from optuna.importance import PedAnovaImportanceEvaluator

    warnings.filterwarnings("ignore", category=ExperimentalWarning)  # the plots are stable
    from optuna.visualization.matplotlib import plot_optimization_history, plot_param_importances

    ax = plot_optimization_history(study)
    ax.figure.set_size_inches(8, 4.5)
    ax.figure.tight_layout()
    ax.figure.savefig(out / "optimization_history.png", dpi=100)
    plt.close(ax.figure)
    try:
        ax = plot_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    except (ValueError, RuntimeError) as err:  # too few trials to weigh parameters
        log.warning("no parameter importances yet: %s", err)
        return
    ax.figure.set_size_inches(8, 4.5)
    ax.figure.tight_layout()
    ax.figure.savefig(out / "param_importances.png", dpi=100)
    plt.close(ax.figure)


def evaluate(config_file: Path, data_dir: Path | None, seeds: list[int], out: Path) -> str:
    """Train the configuration once per seed; test figures at each seed's validation threshold."""
    from python.runtimes.loaders import keras_probabilities
    from python.training.fit import train
    from python.training.metrics import accuracy, balanced_accuracy, best_threshold

    config = TrainingConfig.from_file(config_file)
    data = load_data(data_dir, config.image_size)
    rows = []
    for seed in seeds:
        result = train(data, config.updated(seed=seed))
        threshold = best_threshold(data.val.y, keras_probabilities(result.model, data.val.x))
        p = keras_probabilities(result.model, data.test.x)
        rows.append({"seed": seed, "threshold": threshold, "seconds": result.seconds,
                     "test_accuracy": accuracy(p, data.test.y, threshold),
                     "balanced_accuracy": balanced_accuracy(data.test.y, p, threshold)})
        log.info("seed %d: test accuracy %.4f, balanced %.4f (%.1f s)", seed,
                 rows[-1]["test_accuracy"], rows[-1]["balanced_accuracy"], result.seconds)
    summary = {k: {"mean": float(np.mean([r[k] for r in rows])),
                   "std": float(np.std([r[k] for r in rows], ddof=1)) if len(rows) > 1 else 0.0}
               for k in ("test_accuracy", "balanced_accuracy", "seconds")}
    out.mkdir(parents=True, exist_ok=True)
    (out / "evaluation.json").write_text(json.dumps(
        {"config": config.to_json(), "data": str(data_dir or "embedded"), "seeds": rows,
         "summary": summary}, indent=2) + "\n")
    lines = ["| seed | test accuracy | balanced accuracy | threshold | training s |",
             "|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['seed']} | {r['test_accuracy']:.4f} | {r['balanced_accuracy']:.4f} |"
              f" {r['threshold']:.3f} | {r['seconds']:.1f} |" for r in rows]
    s = summary
    lines += [f"| mean ± sd | {s['test_accuracy']['mean']:.4f} ± {s['test_accuracy']['std']:.4f}"
              f" | {s['balanced_accuracy']['mean']:.4f} ± {s['balanced_accuracy']['std']:.4f}"
              f" | | {s['seconds']['mean']:.1f} ± {s['seconds']['std']:.1f} |"]
    return "\n".join(lines)
