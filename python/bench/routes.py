"""python -m python.bench.routes: every way to classify a folder, measured the same way.

Each route (the installed modelparity-java, python -m python.predict, modelparity-spark
with local[1] and local[2], spark-submit to a two-worker standalone cluster) classifies a
folder of N and of M pictures, as a user runs it, timed from the shell. The difference of
the two, divided by M - N, is the cost of a picture; what is left at N is the fixed cost
(start, planning, the model's load). The routes alternate within each repetition, so every
route sees the same load, and each route's ratio to the CLI is taken within a repetition.
Thumbnails: the seed set repeated (--copies, by default 2x and 4x: 3,226 and 6,452
pictures; links to the folder, read in place); photos: the phone-like JPEGs of
python.bench.photos repeated. Everything is made in a temporary folder outside the
repository. A benchmark: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from python.bench.cluster import spark_env, spark_home, standalone_cluster
from python.bench.photos import make_photos
from python.errors import ToolkitError, cli_main
from python.predict.inputs import expand

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "build" / "install" / "modelparity-java" / "bin"
SEED = ROOT.parent / "shared" / "datasets" / "selfie-or-not" / "thumbnails-40"
ROUTES = ("cli", "python.predict", "spark local[1]", "spark local[2]", "spark cluster")
SPARK_DONE = re.compile(r"(\d+) pictures \((\d+) errors\)")


def make_inputs(work: Path, seed: Path, photos: int,
                copies: tuple[int, int] = (2, 4)) -> dict[str, list[tuple[Path, int]]]:
    """{dataset: [(smaller folder, pictures), (larger folder, pictures)]}, links in work/:
    thumbnails in copies[0] and copies[1] copies of the seed set, photos and twice as many."""
    def linked(name: str, copies: int, target: Path) -> Path:
        folder = work / name
        folder.mkdir()
        for i in range(copies):
            (folder / f"copy{i}").symlink_to(target)
        return folder

    seed_count = sum(1 for p in seed.rglob("*.png"))
    shots = [p for p in make_photos(work / "photo-source") if p.name.startswith("phone_")]
    sets = {"thumbnails": [(linked(f"thumbnails-x{k}", k, seed), k * seed_count) for k in copies],
            "photos": []}
    for k in (photos, 2 * photos):
        folder = work / f"photos-{k}"
        folder.mkdir()
        for i in range(k):
            shot = shots[i % len(shots)]
            (folder / f"{i:04d}-{shot.name}").symlink_to(shot)
        sets["photos"].append((folder, k))
    return sets


def command(route: str, folder: Path, out: Path, artifacts: Path, master: str | None,
            jar: Path | None, archive: Path | None) -> list[str]:
    """The route's command line for one folder, as a user types it."""
    if route == "cli":
        return [str(BIN / "modelparity-java"), "--artifacts", str(artifacts), str(folder)]
    if route == "python.predict":
        return [sys.executable, "-m", "python.predict", "--artifacts", str(artifacts), str(folder)]
    job = ["--input", str(folder), "--output", str(out)]
    if route == "spark cluster":
        return [str(spark_home() / "bin" / "spark-submit"), "--master", str(master),
                "--class", "io.github.modelparity.spark.ClassifyPictures",
                "--total-executor-cores", "2", "--executor-memory", "1g",
                "--archives", f"{archive}#artifacts", "--conf", "spark.ui.enabled=false",
                str(jar), "--artifacts", "artifacts", *job]
    local = route.split()[1]
    return [str(BIN / "modelparity-spark"), "--master", local, "--artifacts", str(artifacts),
            *job]


def timed(argv: list[str], n: int, env: dict[str, str], cwd: Path) -> dict:
    """Run once: wall seconds from the shell, the children's CPU seconds; check every picture."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spark = SPARK_DONE.search(done.stderr)
    made = int(spark[1]) if spark else done.stdout.count("\n")
    if done.returncode != 0 or made != n:
        tail = (done.stderr.strip().splitlines() or ["no stderr"])[-1]
        raise ToolkitError(f"{argv[0]}: exit status {done.returncode}, {made} of {n}: {tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu}


def first_line_seconds(folder: Path, count: int, artifacts: Path) -> dict:
    """modelparity-java with count of folder's pictures as arguments: seconds to its first line
    (the first batch classified) and to its end; beside it, the whole command on one picture
    (what the first line costs with no arguments to speak of)."""
    paths = expand([str(folder)]).pictures[:count]
    cli = [str(BIN / "modelparity-java"), "--artifacts", str(artifacts)]
    start = time.monotonic()
    subprocess.run([*cli, paths[0]], capture_output=True, check=True)
    one = time.monotonic() - start
    start = time.monotonic()
    with subprocess.Popen([*cli, *paths], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as p:
        assert p.stdout is not None
        p.stdout.readline()
        first = time.monotonic() - start
        rest = 1 + sum(1 for _ in p.stdout)
    if p.returncode != 0 or rest != len(paths):
        raise ToolkitError(f"modelparity-java: exit status {p.returncode}, {rest} of {len(paths)}")
    return {"arguments": len(paths), "first_line_s": first, "whole_s": time.monotonic() - start,
            "one_picture_s": one}


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def summarise(runs: list[dict], routes: list[str]) -> dict:
    """Per dataset and route: ms a picture (differenced), fixed seconds, ratio to the CLI."""
    table: dict = {}
    for dataset in sorted({r["dataset"] for r in runs}):
        per_rep: dict[str, dict[int, tuple[float, float, float]]] = {}
        for route in routes:
            for rep in sorted({r["rep"] for r in runs}):
                got = {r["n"]: r for r in runs if (r["dataset"], r["route"], r["rep"])
                       == (dataset, route, rep)}
                if len(got) == 2:
                    (n1, small), (n2, large) = sorted(got.items())
                    ms = (large["wall_s"] - small["wall_s"]) / (n2 - n1) * 1000
                    cpu = (large["cpu_s"] - small["cpu_s"]) / (n2 - n1) * 1000
                    per_rep.setdefault(route, {})[rep] = (ms, small["wall_s"] - n1 * ms / 1000, cpu)
        cli = per_rep.get("cli", {})
        table[dataset] = {route: {
            "ms_per_picture": spread([v[0] for v in reps.values()]),
            "fixed_s": spread([v[1] for v in reps.values()]),
            # the cluster's executors are no children of this process: their CPU is not seen
            "cpu_ms_per_picture": spread([v[2] for v in reps.values()])
            if route != "spark cluster" else None,
            "to_cli": spread([v[0] / cli[k][0] for k, v in reps.items() if k in cli])
            if cli and route != "cli" else None,
        } for route, reps in per_rep.items()}
    return table


def markdown(result: dict) -> list[str]:
    def f(s: dict | None, digits: int) -> str:
        return "" if not s else (f"{s['median']:.{digits}f} ({s['min']:.{digits}f} to "
                                 f"{s['max']:.{digits}f})")
    lines = ["| pictures | route | ms a picture, differenced | fixed s | to the CLI |"
             " CPU ms a picture |", "|---|---|---:|---:|---:|---:|"]
    for dataset, routes in result["summary"].items():
        sizes = " and ".join(f"{n:,}" for n in result["sizes"][dataset])
        for route, s in routes.items():
            lines.append(f"| {dataset} ({sizes}) | {route} | {f(s['ms_per_picture'], 2)} | "
                         f"{f(s['fixed_s'], 1)} | {f(s['to_cli'], 2)} | "
                         f"{f(s['cpu_ms_per_picture'], 2)} |")
    first = result.get("first_line")
    if first:
        s = spread([x["first_line_s"] for x in first])
        one = spread([x["one_picture_s"] for x in first])
        lines.append(f"\nmodelparity-java with {first[0]['arguments']:,} paths as arguments: first"
                     f" line after {f(s, 2)} s; the whole command on one picture {f(one, 2)} s"
                     f" (median, min to max of {s['n']}).")
    return lines


@cli_main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m python.bench.routes", description=__doc__)
    p.add_argument("--artifacts", type=Path, default=ROOT / "artifacts")
    p.add_argument("--seed", type=Path, default=SEED, help="the seed thumbnails")
    p.add_argument("--photos", type=int, default=48, help="photos in the smaller set (default 48)")
    p.add_argument("--copies", default="2,4", help="the seed set's copies in the smaller and the"
                   " larger thumbnail folder (default 2,4: 3,226 and 6,452 pictures); a larger"
                   " difference spreads the fixed cost's noise over more pictures. The first"
                   " line is timed with 4 copies' paths (6,452), or all the larger folder's"
                   " where it has fewer")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--routes", default=",".join(ROUTES), help="comma-separated, of: "
                   + ", ".join(ROUTES))
    p.add_argument("--datasets", default="thumbnails,photos")
    p.add_argument("--out", type=Path, help="write the runs and the summary as JSON here")
    args = p.parse_args(argv)
    routes = args.routes.split(",")
    try:
        small, large = (int(k) for k in args.copies.split(","))
    except ValueError:
        small = large = 0
    if not 0 < small < large:
        raise ToolkitError(f"--copies {args.copies}: two counts, the first smaller, as in 2,4")
    copies = (small, large)
    artifacts = args.artifacts.resolve()
    with tempfile.TemporaryDirectory(prefix="modelparity-routes-") as tmp:
        work = Path(tmp)
        sets = {k: v for k, v in make_inputs(work, args.seed, args.photos, copies).items()
                if k in args.datasets.split(",")}
        env = {**spark_env(work), "TF_CPP_MIN_LOG_LEVEL": "3"}
        jar = archive = None
        if "spark cluster" in routes:
            libs = ROOT / "build" / "spark" / "libs"
            jar = next(libs.glob("modelparity-spark-*-all.jar"), None)
            if jar is None:
                raise ToolkitError(f"{libs}: no modelparity-spark-*-all.jar for the cluster"
                                   " route (gradle :spark:applicationJar)")
            archive = work / "artifacts.tgz"
            subprocess.run(["tar", "-C", str(artifacts), "-czf", str(archive), "manifest.json",
                            "model.onnx"], check=True)
        runs: list[dict] = []
        first: list[dict] = []
        with standalone_cluster(work / "cluster") if jar else nullcontext() as master:
            for rep in range(args.reps):
                for dataset, sizes in sets.items():
                    for folder, n in sizes if rep % 2 == 0 else sizes[::-1]:
                        for route in routes:
                            out = work / "out"
                            subprocess.run(["rm", "-rf", str(out)], check=True)
                            argv = command(route, folder, out, artifacts, master, jar, archive)
                            run = {"rep": rep, "dataset": dataset, "n": n, "route": route,
                                   **timed(argv, n, env, ROOT)}
                            runs.append(run)
                            print(json.dumps(run), flush=True)
                if "thumbnails" in sets and "cli" in routes:
                    folder, n = sets["thumbnails"][1]
                    first.append(first_line_seconds(folder, n * 4 // large, artifacts))
                    print(json.dumps(first[-1]), flush=True)
    result = {"machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()},
              "sizes": {d: [n for _, n in s] for d, s in sets.items()},
              "runs": runs, "first_line": first, "summary": summarise(runs, routes)}
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
    print("\n".join(markdown(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
