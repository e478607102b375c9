"""python -m python.bench.camera: camera photos through each route, against Pillow, timed.

The photos are the benchmark's (``python.bench.photos``): 12-megapixel JPEGs (plain,
progressive, EXIF-rotated, 4:4:4 with restart markers, grey) and a 1080p PNG. Each command
(python.predict, the Java CLI, the Node CLI) classifies them once and four times over; the
difference, divided by the extra photos, is its time a photo without its start-up. The
yardstick is Pillow on the same files in the same run: its decode to the model's colour (the
fast route's bar) and that plus its resize to the Hugging Face size (the faithful route's).
Peak resident memory is each command's over the longer run, and the Java service's while 8
clients post the photos at once.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

from python.bench.command import ROOT
from python.errors import ToolkitError, cli_main

#: Commands by name: each takes the artifacts folder and the photos.
COMMANDS = {
    "python.predict": lambda a: [sys.executable, "-m", "python.predict", "--artifacts", str(a)],
    "java_cli": lambda a: [str(ROOT / "build" / "install" / "modelparity-java" / "bin"
                               / "modelparity-java"), "--artifacts", str(a)],
    "node_cli": lambda a: ["node", str(ROOT / "js" / "bin" / "modelparity-node.js"),
                           "--artifacts", str(a)],
}
#: The targets the issue sets, as ratios to Pillow: (faithful, fast).
TARGETS = {"python.predict": (1.0, 1.0), "java_cli": (1.5, 1.0), "node_cli": (2.0, 1.5)}
#: Copies of the photo list in the long run.
COPIES = 4
#: Clients posting photos at once to the Java service.
CLIENTS = 8


def camera_photos(folder: Path) -> list[Path]:
    """The six photos: the benchmark's, without the one whose data is damaged."""
    from python.bench.photos import make_photos

    return [p for p in make_photos(folder) if "corrupt" not in p.name]


def routed(artifacts: Path, route: str, work: Path) -> Path:
    """A copy of the artifacts whose manifest prepares pictures by ``route``."""
    from python.artifacts.manifest import read_manifest, write_manifest

    out = work / f"artifacts-{route}"
    if out.exists():
        return out
    shutil.copytree(artifacts, out)
    manifest = read_manifest(out)
    write_manifest(out, replace(manifest, preprocessing=manifest.preprocessing.with_route(route)))
    return out


def pillow_ms(photos: list[Path], pre, resize: bool, reps: int) -> float:
    """Pillow's mean time a photo: decode to the model's colour (and resize), best of reps."""
    from PIL import Image

    mode = "RGB" if pre.color == "rgb" else "L"
    total = 0.0
    for path in photos:
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            with Image.open(path) as im:
                im = im.convert(mode)
                if resize:
                    height, width = pre.resize_to(*im.size)
                    im.resize((width, height), pre.resample)
            times.append(time.perf_counter() - start)
        total += statistics.median(times)
    return total * 1e3 / len(photos)


def run_watched(command: list[str]) -> tuple[str, float, str]:
    """Run a command; its stdout, its peak resident memory in MB, its stderr.

    The peak is the process's own high-water mark (/proc's VmHWM), read while it runs: a
    child's ru_maxrss would also count the resident pages of this process it was forked
    from, which exec keeps in the figure.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        try:
            proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        except FileNotFoundError:
            raise ToolkitError(f"{command[0]}: not found (the Java CLI: gradle installDist;"
                               " the Node CLI: node and npm ci --prefix js)") from None
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _high_water_kb(proc.pid))
            time.sleep(0.01)
        out.seek(0)
        err.seek(0)
        return out.read(), peak / 1024.0, err.read()


def _high_water_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # it has just ended
        return 0
    return next((int(line.split()[1]) for line in status.splitlines()
                 if line.startswith("VmHWM:")), 0)


def command_ms(command: list[str], photos: list[Path], reps: int) -> tuple[float, float]:
    """A command's time a photo without its start-up, and its peak memory in MB."""
    short, long, peak = [], [], 0.0
    for _ in range(reps):
        for copies, times in ((1, short), (COPIES, long)):
            start = time.perf_counter()
            out, rss, err = run_watched([*command, *map(str, photos * copies)])
            times.append(time.perf_counter() - start)
            if len(out.splitlines()) != len(photos) * copies:
                raise ToolkitError(f"{Path(command[0]).name}: {err.strip()[-300:]}")
            peak = max(peak, rss)
    extra = len(photos) * (COPIES - 1)
    return (statistics.median(long) - statistics.median(short)) * 1e3 / extra, peak


def serve_peak_mb(artifacts: Path, photos: list[Path], rounds: int = 3) -> float:
    """The Java service's peak resident memory while CLIENTS post photos at once."""
    from python.runtimes.server import serving

    failures: list[str] = []
    with serving(artifacts) as server:
        def post(path: Path) -> None:
            request = urllib.request.Request(
                f"{server.url.rstrip('/')}/v1/classify?name={path.name}", data=path.read_bytes(),
                method="POST", headers={"Content-Type": "application/octet-stream"})
            try:
                with urllib.request.urlopen(request, timeout=300) as answer:
                    answer.read()
            except OSError as err:  # an HTTP error or a dropped connection: said after
                failures.append(f"{path.name}: {err}")

        for _ in range(rounds):
            clients = [threading.Thread(target=post, args=(photos[i % len(photos)],))
                       for i in range(CLIENTS)]
            for c in clients:
                c.start()
            for c in clients:
                c.join()
        peak_kb = _high_water_kb(server.process.pid)
    if failures:
        raise ToolkitError(f"serve: {len(failures)} request(s) failed, first {failures[0]}")
    return peak_kb / 1024.0


def measure(artifacts: Path, routes: list[str], commands: list[str], reps: int,
            serve: bool) -> dict:
    from python.artifacts.manifest import read_manifest

    read_manifest(artifacts)  # a folder that is not an export: one line, before any work
    out: dict = {"reps": reps, "copies": COPIES, "rows": []}
    with tempfile.TemporaryDirectory(prefix="bench-camera-") as tmp:
        work = Path(tmp)
        photos = camera_photos(work / "photos")
        out["photos"] = [p.name for p in photos]
        for route in routes:
            folder = routed(artifacts, route, work)
            route_pre = read_manifest(folder).preprocessing
            for name in commands:
                before = pillow_ms(photos, route_pre, route == "faithful", reps)
                ms, peak = command_ms(COMMANDS[name](folder), photos, reps)
                after = pillow_ms(photos, route_pre, route == "faithful", reps)
                yardstick = (before + after) / 2
                target = TARGETS[name][route == "fast"]
                out["rows"].append({"route": route, "command": name, "ms_a_photo": ms,
                                    "pillow_ms": yardstick, "ratio": ms / yardstick,
                                    "target": target, "peak_rss_mb": peak})
                print(f"{route:9s} {name:15s} {ms:7.1f} ms a photo, Pillow {yardstick:6.1f}"
                      f" ms: {ms / yardstick:.2f}x (target {target}x), peak {peak:.0f} MB",
                      flush=True)
            if serve:
                peak = serve_peak_mb(folder, photos)
                out["rows"].append({"route": route, "command": "serve", "peak_rss_mb": peak,
                                    "clients": CLIENTS})
                print(f"{route:9s} serve, {CLIENTS} clients posting photos: peak {peak:.0f} MB",
                      flush=True)
    return out


@cli_main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m python.bench.camera", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--routes", default="faithful,fast", help="comma-separated (default: both)")
    p.add_argument("--commands", default=",".join(COMMANDS),
                   help=f"comma-separated, of {', '.join(COMMANDS)} (default: all)")
    p.add_argument("--reps", type=int, default=3, help="runs of each command (default: 3)")
    p.add_argument("--no-serve", action="store_true", help="skip the service's memory")
    p.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = p.parse_args(argv)
    routes = [r for r in args.routes.split(",") if r]
    commands = [c for c in args.commands.split(",") if c]
    unknown = [x for x in routes if x not in ("faithful", "fast")] + \
        [c for c in commands if c not in COMMANDS]
    if unknown:
        p.error(f"unknown route or command: {unknown[0]}")
    result = measure(args.artifacts, routes, commands, args.reps, not args.no_serve)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
