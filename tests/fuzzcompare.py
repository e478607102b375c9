"""Run python.predict, the Java CLI and the Node CLI over many pictures, and compare them.

Which files each side accepts (a line on stdout) and the labels where both do: the fuzz
tests' assertions and the figures of the larger runs come from here. Python (Pillow) is the
reference; ``compare`` holds Java to it, ``compare3`` Java and Node, per format.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JAVA_CLI = ROOT / "build" / "install" / "modelparity-java" / "bin" / "modelparity-java"
NODE_CLI = ROOT / "js" / "bin" / "modelparity-node.js"
#: Pictures per process: bounds each JVM's command line (ONNX Runtime Java 1.29.0 died on
#: long ones; 1.28.0 ships, see build.gradle) and each process's run time.
BATCH = 1000
#: Stderr text that means a crash rather than a one-line refusal.
CRASH_SIGNS = ("Exception", "Traceback", "at selfie.", "Error:", "#  SIGSEGV")


@dataclass(frozen=True)
class Side:
    """What one command made of the pictures: path -> (label, probability), and stderr."""

    accepted: dict[str, tuple[str, str]]
    stderr: str
    returncode: int
    seconds: float

    def crash_lines(self) -> list[str]:
        """Stderr lines that look like a crash, not a refusal (both CLIs say 'error: ')."""
        return [line for line in self.stderr.splitlines()
                if any(s in line for s in CRASH_SIGNS) and ": error: " not in line]


@dataclass(frozen=True)
class Comparison:
    """Both sides over the same files."""

    files: list[str]
    python: Side
    java: Side
    only_python: list[str] = field(default_factory=list)
    only_java: list[str] = field(default_factory=list)
    label_differences: list[str] = field(default_factory=list)

    @property
    def one_sided(self) -> int:
        return len(self.only_python) + len(self.only_java)

    @property
    def both(self) -> int:
        return len(set(self.python.accepted) & set(self.java.accepted))


def java_unavailable() -> str | None:
    """Why the Java CLI cannot run here, or None."""
    if not JAVA_CLI.exists():
        return f"{JAVA_CLI.relative_to(ROOT)} is missing (run gradle installDist)"
    try:
        subprocess.run(["java", "-version"], capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "no JDK (java -version fails)"
    return None


def node_unavailable() -> str | None:
    """Why the Node CLI cannot run here, or None."""
    from python.runtimes.js import js_unavailable

    return js_unavailable("node_files")


def _run(command: list[str], files: list[str], timeout: float, listed: bool = False) -> Side:
    """command over files, BATCH at a time (named in an @LIST file when listed); a status
    other than 0 or 1 is kept as a crash."""
    start = time.monotonic()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    accepted, stderr, status = {}, [], 0
    for at in range(0, len(files), BATCH):
        args = files[at:at + BATCH]
        if listed:
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
                f.write("".join(p + "\n" for p in args))
            args = [f"@{f.name}"]
        try:
            done = subprocess.run([*command, *args], cwd=ROOT, env=env, capture_output=True,
                                  text=True, errors="replace", timeout=timeout)
        finally:
            if listed:
                os.unlink(args[0][1:])
        for line in done.stdout.splitlines():
            path, label, probability = line.rsplit("\t", 2)
            accepted[path] = (label, probability)
        stderr.append(done.stderr)
        status = max(status, done.returncode) if done.returncode >= 0 else done.returncode
    return Side(accepted, "".join(stderr), status, time.monotonic() - start)


def compare(paths: list[Path], artifacts: Path, timeout: float = 300) -> Comparison:
    """Both commands over all paths, one process per BATCH; a hang is TimeoutExpired."""
    files = [str(p) for p in paths]
    cmd = commands(artifacts)
    python, java = (_run(cmd[lang], files, timeout) for lang in ("python", "java"))
    both = set(python.accepted) & set(java.accepted)
    return Comparison(
        files, python, java,
        only_python=[f for f in files if f in python.accepted and f not in java.accepted],
        only_java=[f for f in files if f in java.accepted and f not in python.accepted],
        label_differences=[f for f in files if f in both
                           and python.accepted[f][0] != java.accepted[f][0]])


def _reasons(stderr: str) -> dict[str, str]:
    """Each refused file's reason, from 'prog: error: PATH: reason' lines."""
    out = {}
    for line in stderr.splitlines():
        _, _, rest = line.partition(": error: ")
        path, _, reason = rest.partition(": ")
        out[path] = reason
    return out


def report(c: Comparison, show: int = 20) -> str:
    """The figures, and the first one-sided files with the refusing side's reason."""
    n = len(c.files)
    probability_differences = sum(
        1 for f in set(c.python.accepted) & set(c.java.accepted)
        if c.python.accepted[f][1] != c.java.accepted[f][1])
    lines = [
        f"files {n}; accepted by Python {len(c.python.accepted)}, by Java"
        f" {len(c.java.accepted)}, by both {c.both}",
        f"one-sided {c.one_sided} ({100 * c.one_sided / max(n, 1):.2f}%): only Python"
        f" {len(c.only_python)}, only Java {len(c.only_java)}",
        f"label differences {len(c.label_differences)}; probabilities not equal to six"
        f" decimals {probability_differences}",
        f"seconds: Python {c.python.seconds:.1f}, Java {c.java.seconds:.1f}; crash lines:"
        f" Python {len(c.python.crash_lines())}, Java {len(c.java.crash_lines())}; exit"
        f" statuses: Python {c.python.returncode}, Java {c.java.returncode}",
    ]
    java_why, python_why = _reasons(c.java.stderr), _reasons(c.python.stderr)
    for f in c.only_python[:show]:
        lines.append(f"  only Python: {f}  (Java: {java_why.get(f, '?')})")
    for f in c.only_java[:show]:
        lines.append(f"  only Java:   {f}  (Python: {python_why.get(f, '?')})")
    for f in c.label_differences[:show]:
        lines.append(f"  label: {f}  Python {c.python.accepted[f]}, Java {c.java.accepted[f]}")
    return "\n".join(lines)


#: The three sides, the reference first.
LANGUAGES = ("python", "java", "node")


def commands(artifacts: Path) -> dict[str, list[str]]:
    """Each language's command line, before the pictures."""
    common = ["--artifacts", str(artifacts), "--format", "onnx"]
    return {"python": [sys.executable, "-m", "python.predict", *common],
            "java": [str(JAVA_CLI), *common], "node": ["node", str(NODE_CLI), *common]}


@dataclass(frozen=True)
class Row:
    """One format's figures: files accepted and refused by all, accepted by some only
    (language -> files it alone accepts or it alone refuses), label differences."""

    files: int
    accepted: int
    refused: int
    only_accepted: dict[str, list[str]]
    only_refused: dict[str, list[str]]
    other_splits: list[str]
    label_differences: list[str]

    @property
    def one_sided(self) -> int:
        return (sum(map(len, self.only_accepted.values()))
                + sum(map(len, self.only_refused.values())) + len(self.other_splits))


@dataclass(frozen=True)
class Comparison3:
    """The languages that ran over the same files, and the figures per format."""

    files: list[str]
    sides: dict[str, Side]
    rows: dict[str, Row]

    @property
    def one_sided(self) -> int:
        return sum(r.one_sided for r in self.rows.values())

    @property
    def label_differences(self) -> list[str]:
        return [f for r in self.rows.values() for f in r.label_differences]


def _format(path: str) -> str:
    with open(path, "rb") as f:
        head = f.read(8)
    return "jpeg" if head.startswith(b"\xff\xd8") else "png" if head.startswith(
        b"\x89PNG") else "other"


def compare3(paths: list[Path], artifacts: Path, timeout: float = 300,
             languages: tuple[str, ...] = LANGUAGES) -> Comparison3:
    """Each language's CLI over all paths (through @LIST files, BATCH a process); the
    figures per format. A hang is subprocess.TimeoutExpired."""
    files = [str(p) for p in paths]
    cmd = commands(artifacts)
    sides = {lang: _run(cmd[lang], files, timeout, listed=True) for lang in languages}
    rows = {}
    for fmt in sorted({_format(f) for f in files}):
        mine = [f for f in files if _format(f) == fmt]
        only_accepted = {lang: [] for lang in languages}
        only_refused = {lang: [] for lang in languages}
        other, labels, accepted, refused = [], [], 0, 0
        for f in mine:
            took = [lang for lang in languages if f in sides[lang].accepted]
            if len(took) == len(languages):
                accepted += 1
                if len({sides[lang].accepted[f][0] for lang in languages}) > 1:
                    labels.append(f)
            elif not took:
                refused += 1
            elif len(took) == 1:
                only_accepted[took[0]].append(f)
            elif len(took) == len(languages) - 1:
                only_refused[next(x for x in languages if x not in took)].append(f)
            else:
                other.append(f)
        rows[fmt] = Row(len(mine), accepted, refused, only_accepted, only_refused, other, labels)
    return Comparison3(files, sides, rows)


def unexplained(c: Comparison3, known: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """The one-sided files, but those refused by one language alone with words that a
    (language, words) pair of known names."""
    why = {lang: _reasons(s.stderr) for lang, s in c.sides.items()}
    out = []
    for r in c.rows.values():
        out += [f for lang, fs in r.only_refused.items() for f in fs
                if not any(lang == k and words in why[lang].get(f, "") for k, words in known)]
        out += [f for fs in r.only_accepted.values() for f in fs] + r.other_splits
    return out


def report3(c: Comparison3, show: int = 20) -> str:
    """The table per format, and the first one-sided files with each side's reason."""
    langs = list(c.sides)
    lines = [f"{'format':6} {'files':>6} {'accepted':>9} {'refused':>8} {'one-sided':>10}"
             f" {'labels':>7}  one-sided by language (alone accepts / alone refuses)"]
    for fmt, r in c.rows.items():
        by = ", ".join(f"{lang} {len(r.only_accepted[lang])}/{len(r.only_refused[lang])}"
                       for lang in langs)
        lines.append(f"{fmt:6} {r.files:6d} {r.accepted:9d} {r.refused:8d} {r.one_sided:10d}"
                     f" {len(r.label_differences):7d}  {by}")
    lines.append("seconds: " + ", ".join(f"{lang} {s.seconds:.1f}" for lang, s in c.sides.items())
                 + "; crash lines: " + ", ".join(f"{lang} {len(s.crash_lines())}"
                                                 for lang, s in c.sides.items())
                 + "; exit statuses: " + ", ".join(f"{lang} {s.returncode}"
                                                   for lang, s in c.sides.items()))
    why = {lang: _reasons(s.stderr) for lang, s in c.sides.items()}

    def reasons(f: str) -> str:
        return "; ".join(f"{lang}: {why[lang].get(f, 'accepted')}" for lang in langs)

    shown = 0
    for r in c.rows.values():
        for kind, groups in (("alone accepts", r.only_accepted), ("alone refuses", r.only_refused)):
            for lang, fs in groups.items():
                for f in fs:
                    if shown < show:
                        lines.append(f"  {lang} {kind}: {f}  ({reasons(f)})")
                    shown += 1
        for f in r.other_splits + r.label_differences:
            if shown < show:
                labels = {lang: c.sides[lang].accepted.get(f) for lang in langs}
                lines.append(f"  split: {f}  {labels}  ({reasons(f)})")
            shown += 1
    return "\n".join(lines)
