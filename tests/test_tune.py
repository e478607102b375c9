"""The search: a short one on the embedded data, resumed by two processes at once, and an
export of what it found that repeats the trial it came from."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_module


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    out = tmp_path_factory.mktemp("tune")
    result = run_module("python.tune", "--trials", "2", "--max-epochs", "4", "--out", str(out),
                        "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]
    return out, result


def test_search_writes_best_table_and_plots(searched):
    out, result = searched
    best = json.loads((out / "best.json").read_text())
    assert best["study"] == "selfie" and best["training"]["seed"] == 0
    assert 0.0 <= best["validation_balanced_accuracy_mean"] <= 1.0
    rows = (out / "trials.csv").read_text().splitlines()
    assert rows[0].startswith("number,state,value,seconds") and len(rows) == 3
    for png in ("optimization_history.png", "param_importances.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "validation balanced accuracy" in result.stdout
    # --quiet: warnings only; TensorFlow's CUDA plugin lines on a CPU machine are not ours
    assert "Unable to register" not in result.stderr and "cuda" not in result.stderr.lower()


def test_config_repeats_the_trial_it_came_from(searched, tmp_path):
    """Same machine, same seed: the export's validation figures are the trial's own."""
    out, _ = searched
    best = json.loads((out / "best.json").read_text())
    result = run_module("python.export", "--config", str(out / "best.json"), "--quiet",
                        "--out", str(tmp_path / "a"))
    assert result.returncode == 0, result.stderr[-2000:]
    m = json.loads((tmp_path / "a" / "manifest.json").read_text())
    trial = best["per_seed"]["seed0"]
    assert m["training"]["config"] == best["training"]
    assert m["threshold"] == trial["threshold"]
    assert m["metrics"]["validation"]["balanced_accuracy"] == trial["balanced_accuracy"]


def test_config_flags_override_and_bad_config_is_one_line(searched, tmp_path):
    out, _ = searched
    bad = tmp_path / "bad.json"
    bad.write_text('{"training": {"architecture": "fast", "wings": 2}}')
    result = run_module("python.export", "--config", str(bad), "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "unknown settings: wings" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "x").exists()


def test_two_processes_work_on_one_study_and_it_resumes(searched):
    """Two processes share the study's database; each adds its trial to the same study."""
    import optuna

    out, _ = searched
    command = [sys.executable, "-m", "python.tune", "--trials", "1", "--max-epochs", "4",
               "--out", str(out), "--quiet"]
    procs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
    study = optuna.load_study(study_name="selfie", storage=f"sqlite:///{out / 'study.db'}")
    assert len(study.trials) >= 4  # the first search's 2, one from each process
    assert len({t.number for t in study.trials}) == len(study.trials)
    assert len((out / "trials.csv").read_text().splitlines()) == len(study.trials) + 1


def test_enqueued_configuration_is_the_first_trial(tmp_path):
    """--enqueue puts a known configuration ahead of what the sampler proposes."""
    import optuna

    from python.training.fit import TrainingConfig
    from python.tune.search import params_of

    config = TrainingConfig(architecture="fast", epochs=4, width=8, head=64, dropout=0.2,
                            learning_rate=0.004, schedule="cosine", batch_size=16,
                            augment="none", class_weight="none", mirror_average=True)
    (tmp_path / "known.json").write_text(json.dumps({"training": config.to_json()}))
    result = run_module("python.tune", "--trials", "1", "--max-epochs", "4", "--out",
                        str(tmp_path), "--enqueue", str(tmp_path / "known.json"), "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]
    study = optuna.load_study(study_name="selfie", storage=f"sqlite:///{tmp_path / 'study.db'}")
    first = study.trials[0]
    assert first.params == params_of(config)
    assert first.user_attrs["config"] == config.to_json()


def test_time_budget_leaves_out_the_searchs_own_seconds():
    """The monitor's validation pass and the pruner's report are not the training's time."""
    import time

    import optuna

    from python.tune.search import _TimeBudget

    spent = [0.0, 0.0]
    budget = _TimeBudget(2.0, spent)
    budget.on_train_begin()
    now = time.perf_counter()
    budget.started = now - 3.0  # 3 s since training began, 2 of them the search's
    spent[1] = now - 2.0
    budget.on_epoch_end(0)  # 1 s of training: within 2 s
    assert spent == [pytest.approx(2.0, abs=0.1), 0.0]
    budget.started = time.perf_counter() - 4.5  # 2.5 s of training now
    with pytest.raises(optuna.TrialPruned):
        budget.on_epoch_end(1)
