"""Run python.predict and the Java CLI once each over many pictures, and compare them.

Which files each side accepts (a line on stdout) and the labels where both do: the fuzz
test's assertions and the figures of the larger run come from here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JAVA_CLI = ROOT / "build" / "install" / "selfie-classify" / "bin" / "selfie-classify"
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


def _run(command: list[str], files: list[str], timeout: float) -> Side:
    """command over files, BATCH at a time; a status other than 0 or 1 is kept as a crash."""
    start = time.monotonic()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    accepted, stderr, status = {}, [], 0
    for at in range(0, len(files), BATCH):
        done = subprocess.run([*command, *files[at:at + BATCH]], cwd=ROOT, env=env,
                              capture_output=True, text=True, errors="replace",
                              timeout=timeout)
        for line in done.stdout.splitlines():
            path, label, probability = line.rsplit("\t", 2)
            accepted[path] = (label, probability)
        stderr.append(done.stderr)
        status = max(status, done.returncode) if done.returncode >= 0 else done.returncode
    return Side(accepted, "".join(stderr), status, time.monotonic() - start)


def compare(paths: list[Path], artifacts: Path, timeout: float = 300) -> Comparison:
    """Both commands over all paths, one process per BATCH; a hang is TimeoutExpired."""
    files = [str(p) for p in paths]
    python = _run([sys.executable, "-m", "python.predict", "--artifacts", str(artifacts),
                   "--format", "onnx"], files, timeout)
    java = _run([str(JAVA_CLI), "--artifacts", str(artifacts), "--format", "onnx"], files,
                timeout)
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
