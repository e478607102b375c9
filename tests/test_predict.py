"""python -m python.predict streams: BATCH pictures at a time, printed before the next are read."""

from __future__ import annotations

import numpy as np

from python.predict import command
from python.runtimes import loaders
from tests.pictures import make_folder


def test_predict_runs_batch_by_batch_in_order(exported, tmp_path, monkeypatch, capsys):
    files = sorted(str(p) for p in make_folder(tmp_path, {"0": 70}, size=12).rglob("*.png"))
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"")
    pictures = files[:66] + [str(bad)] + files[66:]
    real, batches = loaders.load_artifact, []

    def counting(artifact, path, threads=None):
        run = real(artifact, path, threads)

        def call(x: np.ndarray) -> np.ndarray:
            batches.append(len(x))
            return run(x)
        return call

    monkeypatch.setattr(loaders, "load_artifact", counting)
    status = command.main(["--artifacts", str(exported), *pictures])
    out, err = capsys.readouterr()
    assert status == 1 and err.count(str(bad)) == 1
    assert [line.split("\t")[0] for line in out.splitlines()] == files
    assert batches == [command.BATCH, len(pictures) - command.BATCH - 1]
