"""A folder, @LIST and - as pictures: python.predict, the installed Java CLI and the Node CLI
name the same pictures in the same order, and print the same lines for them."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from python.predict.inputs import SUFFIXES, ListError, expand
from python.runtimes.js import REQUIRE_JS, js_unavailable
from tests.conftest import ROOT, require
from tests.fuzzcompare import JAVA_CLI, java_unavailable

NODE_CLI = ROOT / "js" / "bin" / "modelparity-node.js"


def _grey(path: Path, level: int) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", (8, 8), level).save(path, format="PNG")
    return str(path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Subfolders, a hidden file and folder, a text file, an upper-case suffix, a link to a
    folder outside and one back up (MainInputsTest.java has the same)."""
    pics = tmp_path / "pics"
    _grey(pics / "b" / "c" / "z.png", 204)
    _grey(pics / "b" / "a.PNG", 51)
    _grey(pics / "b-c.png", 204)
    _grey(pics / ".hidden.png", 204)
    _grey(pics / ".cache" / "x.png", 204)
    _grey(tmp_path / "outside" / "o.png", 51)
    (pics / "notes.txt").write_text("not a picture")
    (pics / "linked").symlink_to(tmp_path / "outside")
    (pics / "b" / "up").symlink_to(pics)
    return pics


def test_a_folder_is_its_pictures_recursively_sorted_by_path(folder):
    p = str(folder)
    found = expand([p])
    # the whole path as a string: '-' sorts before '/'; the loop through b/up walked once
    assert found.pictures == [f"{p}/b-c.png", f"{p}/b/a.PNG", f"{p}/b/c/z.png", f"{p}/linked/o.png"]
    assert found.problems == []
    # from b/, the link up is not a loop until it comes back to b
    assert expand([f"{p}/b/"]).pictures == [f"{p}/b/a.PNG", f"{p}/b/c/z.png", f"{p}/b/up/b-c.png",
                                            f"{p}/b/up/linked/o.png"]


def test_a_list_and_standard_input_give_one_picture_or_folder_a_line(folder, tmp_path):
    spaced = _grey(folder / "two  spaces 'quoted'.png", 51)
    listed = tmp_path / "list.txt"
    listed.write_bytes(f"{spaced}\n\n{folder / 'b' / 'c'}\r\n{folder / 'b-c.png'}".encode())
    expected = [spaced, f"{folder}/b/c/z.png", f"{folder}/b-c.png"]
    assert expand([f"@{listed}"]).pictures == expected
    assert expand(["-"], io.BytesIO(listed.read_bytes())).pictures == expected
    with pytest.raises(ListError, match="nothing.txt: cannot read the list of pictures"):
        expand([f"@{tmp_path / 'nothing.txt'}"])
    (tmp_path / "empty").mkdir()
    empty = expand([str(tmp_path / "empty"), spaced])
    assert empty.pictures == [spaced] and len(empty.problems) == 1
    assert "empty: no pictures in this folder (bmp, gif, jpeg, jpg, png, tif, tiff, webp)" \
        in empty.problems[0]


def _both(exported: Path, args: list[str], stdin: bytes = b"", other: str = "java",
          ) -> tuple[list, list]:
    """(python.predict, the Java or the Node CLI): each as (exit status, stdout, stderr line
    count)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    common = ["--artifacts", str(exported), *args]
    cli = [str(JAVA_CLI)] if other == "java" else ["node", str(NODE_CLI)]
    runs = [[sys.executable, "-m", "python.predict", *common], [*cli, *common]]
    done = [subprocess.run(c, cwd=ROOT, env=env, input=stdin, capture_output=True, timeout=300)
            for c in runs]
    return [[d.returncode, d.stdout.decode(), len(d.stderr.decode().splitlines())] for d in done]


def _unavailable(other: str) -> None:
    """Skip (or fail, as CI asks) where the other CLI cannot run."""
    if other == "java":
        require(java_unavailable(), "MODELPARITY_REQUIRE_JAVA", "the Java CLI")
    else:
        require(js_unavailable("node_files"), REQUIRE_JS, "the Node CLI")


@pytest.mark.parametrize("other", ["java", "node"])
def test_python_predict_and_the_other_clis_read_folders_lists_and_stdin_alike(
        exported, folder, tmp_path, other):
    _unavailable(other)
    listed = tmp_path / "list.txt"
    listed.write_text(f"{folder / 'b'}/\n{folder / 'b-c.png'}\n")
    (tmp_path / "empty").mkdir()
    py, theirs = _both(exported, [str(folder), f"@{listed}", str(tmp_path / "empty"), "-"],
                       stdin=f"{folder / 'linked'}\n".encode(), other=other)
    assert py == theirs
    paths = [line.split("\t")[0] for line in py[1].splitlines()]
    assert len(paths) == 4 + 5 + 1 and paths[-1] == f"{folder}/linked/o.png"
    assert py[0] == 1 and py[2] == 1  # the empty folder: one line, exit status 1
    py, theirs = _both(exported, [f"@{tmp_path / 'nothing.txt'}"], other=other)
    assert py == theirs == [2, "", 1]


def test_the_node_cli_takes_the_suffixes_python_takes():
    """One list of a folder's picture suffixes, held equal in both languages."""
    _unavailable("node")
    done = subprocess.run(["node", "--input-type=module", "-e",
                           "import { SUFFIXES } from './js/src/pictureArguments.js';"
                           " console.log(JSON.stringify(SUFFIXES))"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert sorted(json.loads(done.stdout)) == sorted(SUFFIXES)


def test_the_node_cli_classifies_twenty_thousand_paths(exported, tmp_path):
    """onnxruntime-node walks /proc/self/cmdline recursively as a session starts: 33 KB of
    paths once overflowed the main thread's stack (SIGSEGV, nothing printed). Past a few KB the
    CLI hands the pictures to a second process through its standard input."""
    _unavailable("node")
    picture = _grey(tmp_path / "p.png", 51)
    count = 20_000
    done = subprocess.run(["node", str(NODE_CLI), "--artifacts", str(exported),
                           *[picture] * count, str(tmp_path / "missing.png")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr[-500:]
    assert done.stdout.count(f"{picture}\t") == count
    assert done.stderr.strip().splitlines() == [
        f"modelparity-node: error: {tmp_path / 'missing.png'}: no such file"]


def test_the_java_cli_takes_as_many_paths_as_the_system_passes(exported, tmp_path):
    """The JVM keeps its arguments in one string as it starts, before it may collect, and a
    name with a letter past Latin-1 (a phone's folder in Chinese) makes it two bytes a letter:
    with the CLI's small heap (-Xms32m), 830 KB of such paths once stopped the JVM ("GC
    triggered before VM initialization completed"). Here the paths fill most of what exec
    takes."""
    why = java_unavailable()
    if why is not None:
        if os.environ.get("MODELPARITY_REQUIRE_JAVA") == "1":
            pytest.fail(f"MODELPARITY_REQUIRE_JAVA=1 but the Java CLI cannot run: {why}")
        pytest.skip(f"the Java CLI cannot run here: {why}")
    picture = Path(_grey(tmp_path / ("照片" + "d" * 200) / "p.png", 51))
    room = os.sysconf("SC_ARG_MAX") - sum(len(k) + len(v) + 10 for k, v in os.environ.items())
    count = int(room * 0.9) // (len(os.fsencode(picture)) + 1 + 8)  # 8: the pointer to each
    done = subprocess.run([str(JAVA_CLI), "--artifacts", str(exported), *[str(picture)] * count],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stdout[:300] + done.stderr[-300:]
    assert done.stdout.count("\n") == count
    assert count * len(str(picture)) > 1_000_000
