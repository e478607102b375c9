"""The README's walk-through, run as written: its bash blocks, in order, in a folder holding
what it names (``my_model.keras``, ``pictures/``, ``preprocessor_config.json``,
``photo.jpg``), made here from a small generated RGB model. A renamed flag or command fails
this test instead of a user. The only change made to the commands: port 8080 becomes a
free one."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from python.runtimes.js import js_unavailable
from python.runtimes.server import server_unavailable
from tests.conftest import ROOT, require
from tests.userpictures import make_folder, picture

README = ROOT / "README.md"
CONFIG = {"do_resize": True, "size": {"shortest_edge": 36}, "resample": 3,
          "do_center_crop": True, "crop_size": {"height": 32, "width": 32},
          "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
          "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}


def walkthrough_blocks(text: str) -> list[str]:
    """The bash blocks between the walk-through's heading and the next section."""
    start = text.index("## Walk-through")
    section = text[start:text.index("\n## ", start + 1)]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.S)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the walk-through assumes the user has, and the repository's build beside it."""
    import keras

    here = tmp_path_factory.mktemp("walkthrough")
    keras.utils.set_random_seed(0)
    pictures = make_folder(here / "pictures", classes=2, per_class=24, large_every=0)
    model = keras.Sequential([
        keras.Input((32, 32, 3), name="pixel_values"),
        keras.layers.Conv2D(8, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(8, 3, activation="relu"), keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(2, activation="softmax")], name="walkthrough")
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    from python.data import preprocessing
    from python.data.datasets import load_folder

    (here / "preprocessor_config.json").write_text(json.dumps(CONFIG))
    pre = preprocessing.read_config(here / "preprocessor_config.json", 3, 32, 32)
    data = load_folder(pictures, pre, given_model=True)
    model.fit(data.train.x, data.train.y, epochs=8, batch_size=8, verbose=0)
    model.save(here / "my_model.keras")
    Image.fromarray(picture(0, 300, 400, np.random.default_rng(1))).save(here / "photo.jpg")
    for name in ("build", "js"):  # the commands name the repository's own folders
        (here / name).symlink_to(ROOT / name)
    return here


def _run(block: str, cwd: Path) -> subprocess.CompletedProcess:
    port = str(_free_port())
    script = "set -euo pipefail\n" + block.replace("8080", port)
    return subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def test_the_walkthrough_runs_as_written(folder):
    blocks = walkthrough_blocks(README.read_text())
    assert len(blocks) == 5, blocks  # export, Java, Spark, Node, curl
    export, java, spark, node, curl = blocks
    done = _run(export, folder)
    assert done.returncode == 0, done.stderr[-3000:]
    predicted = done.stdout.strip().splitlines()[-1]
    assert predicted.startswith("photo.jpg\t"), done.stdout[-2000:]
    manifest = json.loads((folder / "artifacts" / "manifest.json").read_text())
    assert manifest["labels"] == ["disc", "square"] and "onnx_int8" in manifest["quantization"]

    require(server_unavailable(), "MODELPARITY_REQUIRE_JAVA", "the Java command")
    done = _run(java, folder)
    assert done.returncode == 0 and done.stdout.strip() == predicted, done.stderr[-2000:]
    done = _run(curl, folder)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])  # after the server's first line
    assert f"{answer['label']}\t{answer['probability']:.6f}" in predicted, (answer, predicted)
    done = _run(spark, folder)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (folder / "labels.parquet").is_dir()

    require(js_unavailable("onnxruntime_node"), "MODELPARITY_REQUIRE_JS", "the Node command")
    done = _run(node, folder)
    assert done.returncode == 0 and done.stdout.strip() == predicted, done.stderr[-2000:]
