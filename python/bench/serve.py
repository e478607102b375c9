"""python -m python.bench.serve: modelparity-java serve under load, beside the same pictures
classified in-process by one Classifier on the same threads.

wrk (Debian's) generates the load on loopback, bounded in requests and in time, through
``/v1/classify`` (a picture's bytes) and the Open Inference Protocol with binary tensors (the
server prepares the pictures: a ``picture_file`` BYTES input), one picture a request and, for
thumbnails, eight. Each cell (``--reps`` times): p50 and p99 latency, pictures a second,
answers other than 200, and the CPU time a picture of the server (and how much of it in the
kernel: the network's and the threads' hand-overs) and of wrk. Both sides are warmed up alike
first (the JIT is still compiling at 30 s). The floor: the same thumbnails POSTed to a model
that does not exist, answered 404 at once, which is HTTP's cost alone. ``--soak N`` then sends
N requests at concurrency 16 and samples the server's resident memory once a second. A
benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from python.bench.floor import nginx_404, nginx_unavailable
from python.bench.photos import BENCH_PHOTOS, make_photos
from python.bench.serve_report import bounds, summary, table
from python.errors import ToolkitError, cli_main
from python.runtimes.server import JAVA_CLI, Server, serving

LUA = Path(__file__).with_name("load.lua")
SEED_TEST = JAVA_CLI.parents[4].parent / "shared" / "datasets" / "selfie-or-not" / \
    "thumbnails-40" / "test"
# route: pictures a request; "v1" is /v1/classify, the others the protocol's infer.
ROUTES = {"v1": 1, "v2_binary": 1, "v2_binary_8": 8}
BATCHED = "v2_binary_8"  # thumbnails only: a phone photo's own work dwarfs a request's
NO_MODEL = "no-such-model"
# The floors answer at once, several times faster than any cell: still bounded, but not by the
# cells' request cap, which would stop them before their time is up.
FLOOR_MAX_REQUESTS = 2_000_000
SETS = ("thumbnails", "phone photos")


def request_files(pictures: list[Path], route: str, folder: Path) -> Path:
    """The request bodies for route (ROUTES[route] pictures each), and wrk's list file of them."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    per = ROUTES[route]
    for i in range(0, len(pictures) - per + 1, per):
        files = [q.read_bytes() for q in pictures[i:i + per]]
        body, ctype, header = files[0], "application/octet-stream", 0
        if route != "v1":
            binary = {"binary_data": True}
            size = sum(4 + len(data) for data in files)
            head = json.dumps({
                "inputs": [{"name": "picture_file", "datatype": "BYTES", "shape": [per],
                            "parameters": {"binary_data_size": size}}],
                "outputs": [{"name": "label", "parameters": binary},
                            {"name": "probabilities", "parameters": binary}]}).encode()
            body = head + b"".join(len(d).to_bytes(4, "little") + d for d in files)
            header = len(head)
        path = folder / f"{i:05d}.bin"
        path.write_bytes(body)
        lines.append(f"{path}\t{ctype}\t{header}")
    listing = folder / "requests.txt"
    listing.write_text("\n".join(lines) + "\n")
    return listing


def wrk_command(url: str, path: str, listing: Path, connections: int, seconds: float,
                max_requests: int, threads: int) -> list[str]:
    """wrk on threads threads; load.lua stops each thread after its share of max_requests."""
    duration = f"{max(1, round(seconds))}s"
    return ["wrk", "-t", str(threads), "-c", str(connections), "-d", duration,
            "--timeout", "30s", "-s", str(LUA),
            url, "--", path, str(listing), str(max(1, max_requests // threads))]


def figures_of(returncode: int, stdout: str, stderr: str) -> dict:
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    if returncode != 0 or not lines:
        raise ToolkitError(f"wrk failed: {stderr.strip() or stdout[-500:]}")
    figures = json.loads(lines[-1])
    figures["per_second"] = figures["requests"] / figures["seconds"]
    return figures


def wrk(server: Server, path: str, listing: Path, connections: int, seconds: float,
        max_requests: int, per_request: int = 1) -> dict:
    """One wrk run bounded in time and requests: the load.lua figures as a dict, with
    pictures a second and the CPU time a picture of the server and of wrk."""
    threads = 1 if connections < 4 else 2
    command = wrk_command(server.url, path, listing, connections, seconds, max_requests, threads)
    before, (user, system) = resource.getrusage(resource.RUSAGE_CHILDREN), server.cpu_split()
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    after, (user2, system2) = resource.getrusage(resource.RUSAGE_CHILDREN), server.cpu_split()
    figures = figures_of(done.returncode, done.stdout, done.stderr)
    pictures = max(1, figures["requests"] * per_request)
    load_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    figures.update(per_second=figures["per_second"] * per_request,
                   server_cpu_ms=(user2 + system2 - user - system) * 1e3 / pictures,
                   server_kernel_ms=(system2 - system) * 1e3 / pictures,
                   load_cpu_ms=load_cpu * 1e3 / pictures)
    return figures


def in_process(artifacts: Path, threads: int, seconds: float, warmup: float,
               pictures: list[Path]) -> dict:
    """The same pictures' bytes through Classifier.classify(name, bytes) on threads threads."""
    lib = JAVA_CLI.parents[1] / "lib"
    command = ["java", "-Xms32m", "-cp", f"{lib}/*", "--enable-native-access=ALL-UNNAMED",
               "io.github.modelparity.tools.InProcessLoad", str(artifacts), "onnx",
               str(threads), str(seconds), str(warmup), *map(str, pictures)]
    done = subprocess.run(command, capture_output=True, text=True,
                          timeout=seconds + warmup + 120)
    if done.returncode != 0:
        raise ToolkitError(f"the in-process run failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def soak(artifacts: Path, listing: Path, requests: int, threads: int) -> dict:
    """requests requests at concurrency 16, the server's resident memory sampled every second.

    The heap is fixed and touched from the start (as modelparity-java-soak's is), so the samples
    see native memory and leaks, not the JVM deciding to grow its heap; one wrk thread, which
    stops after its share (wrk waited past the last answer with two)."""
    fixed_heap = "-Xms512m -Xmx512m -XX:+AlwaysPreTouch"
    with serving(artifacts, "--threads", str(threads), "--queue", "64",
                 java_opts=fixed_heap) as server:
        samples: list[tuple[float, int]] = []
        # wrk's main thread sleeps out its whole duration even when load.lua has stopped every
        # thread: once the server has answered them all, SIGINT ends it (it then reports).
        load = subprocess.Popen(wrk_command(server.url, "/v1/classify", listing, 16, 1800,
                                            requests, 1), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        start = time.monotonic()
        answered = 'modelparity_requests_total{code="200",endpoint="classify"}'
        while load.poll() is None and time.monotonic() - start < 1800:
            time.sleep(1.0)
            samples.append((time.monotonic() - start, server.rss_bytes()))
            metrics = urllib.request.urlopen(server.url + "metrics", timeout=30).read().decode()
            done = sum(float(ln.split()[-1]) for ln in metrics.splitlines()
                       if ln.startswith("modelparity_requests_total{") and "classify" in ln)
            if done >= requests:
                load.send_signal(signal.SIGINT)
        stdout, stderr = load.communicate(timeout=60)
        figures = figures_of(load.returncode, stdout, stderr)
        figures["ok"] = next(float(ln.split()[-1]) for ln in metrics.splitlines()
                             if ln.startswith(answered))
    mb = [rss / 2**20 for _, rss in samples]
    tenth = max(1, len(mb) // 10)
    figures.update(rss_mb_first_tenth=sum(mb[:tenth]) / tenth,
                   rss_mb_last_tenth=sum(mb[-tenth:]) / tenth,
                   rss_mb_max=max(mb), rss_mb_min=min(mb), rss_samples=len(mb))
    return figures


def infer_path(model: str) -> str:
    """The protocol's infer path for a model name (the server's is its artifacts folder's)."""
    return f"/v2/models/{model}/infer"


def load_cells(server: Server, args: argparse.Namespace, sets: dict,
               work: Path) -> tuple[list[dict], dict | None]:
    """Every route's cells on one running server, each route warmed up first, each cell
    repeated --reps times; and the floor, if thumbnails go through /v1/classify."""
    rows, floor = [], None
    for name, pictures in sets.items():
        for route in args.routes.split(","):
            per = ROUTES[route]
            if route == BATCHED and name != "thumbnails":
                continue
            listing = request_files(pictures, route, work / name.replace(" ", "_") / route)
            path = "/v1/classify" if route == "v1" else infer_path(args.artifacts.resolve().name)
            wrk(server, path, listing, 8, args.warmup, 10**9, per)
            for c in map(int, args.concurrency.split(",")):
                for rep in range(args.reps):
                    r = wrk(server, path, listing, c, args.seconds, args.max_requests, per)
                    r.update(pictures=name, route=route, concurrency=c, rep=rep)
                    rows.append(r)
                    print(json.dumps(r), flush=True)
            if route == "v1" and name == "thumbnails":
                path = infer_path(NO_MODEL)
                listing = request_files(pictures, "v2_binary", work / "floor")
                wrk(server, path, listing, 8, 2, 10**9)
                floor = wrk(server, path, listing, 8, args.seconds, FLOOR_MAX_REQUESTS)
                print("floor (404 at once)", json.dumps(floor), flush=True)
    return rows, floor


def nginx_floor(args: argparse.Namespace, work: Path) -> dict | None:
    """The floor's request bodies answered by nginx at once, after the server has stopped."""
    why = nginx_unavailable()
    if why is not None:
        print(f"no nginx floor: {why}", flush=True)
        return None
    listing = request_files(sorted(q for q in args.pictures.rglob("*") if q.is_file()),
                            "v2_binary", work / "floor")
    with nginx_404(work / "nginx") as server:
        wrk(server, infer_path(NO_MODEL), listing, 8, 2, 10**9)
        figures = wrk(server, infer_path(NO_MODEL), listing, 8, args.seconds,
                      FLOOR_MAX_REQUESTS)
    print("floor (nginx, 404 at once)", json.dumps(figures), flush=True)
    return figures


@cli_main
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m python.bench.serve", description=__doc__)
    p.add_argument("--artifacts", type=Path, default=Path("artifacts"))
    p.add_argument("--pictures", type=Path, default=SEED_TEST,
                   help="a folder of thumbnails (default: the seed data's test split)")
    p.add_argument("--concurrency", default="1,8,32")
    p.add_argument("--routes", default=",".join(ROUTES),
                   help=f"some of {', '.join(ROUTES)} (default: all)")
    p.add_argument("--sets", default=",".join(SETS), help="thumbnails and/or phone photos")
    p.add_argument("--reps", type=int, default=1, help="each cell and the in-process run")
    p.add_argument("--seconds", type=float, default=8.0, help="per cell (default 8)")
    p.add_argument("--warmup", type=float, default=45.0,
                   help="seconds of load before each route's cells and the in-process run "
                        "(default 45: the JIT still compiles at 30 s)")
    p.add_argument("--max-requests", type=int, default=200_000, help="per cell")
    p.add_argument("--threads", type=int, default=2, help="the server's and the in-process threads")
    p.add_argument("--soak", type=int, default=0, help="requests in the soak (0: none)")
    p.add_argument("--soak-only", action="store_true", help="only the soak")
    p.add_argument("--out", type=Path, default=Path("build/bench-serve.json"))
    args = p.parse_args(argv)
    if shutil.which("wrk") is None:
        raise ToolkitError("wrk is not on PATH (Debian: apt-get install wrk)")
    for option, given, known in (("--routes", args.routes, ROUTES), ("--sets", args.sets, SETS)):
        unknown = [v for v in given.split(",") if v not in known]
        if unknown:
            raise ToolkitError(f"{option}: unknown {', '.join(unknown)} "
                               f"(expected some of {', '.join(known)})")
    if not args.pictures.is_dir():
        raise ToolkitError(f"{args.pictures}: no such folder of pictures")
    thumbs = sorted(q for q in args.pictures.rglob("*") if q.is_file())
    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        if args.soak_only:
            listing = request_files(thumbs, "v1", work / "thumbnails" / "v1")
            print("soak", json.dumps(soak(args.artifacts, listing, args.soak, args.threads)))
            return 0
        sets = {}
        for name in args.sets.split(","):
            if name == "thumbnails":
                sets[name] = thumbs
            else:
                sets[name] = [q for q in make_photos(work / "photos") if q.name in BENCH_PHOTOS]
        with serving(args.artifacts, "--threads", str(args.threads), "--queue", "64") as server:
            rows, floor = load_cells(server, args, sets, work)
        nginx = None if floor is None else nginx_floor(args, work)
        baseline = {}
        for name, pictures in sets.items():
            baseline[name] = []
            for _ in range(args.reps):
                baseline[name].append(in_process(args.artifacts, args.threads, args.seconds,
                                                 args.warmup, pictures))
                print(name, "in process", json.dumps(baseline[name][-1]), flush=True)
            rate = statistics.median(b["per_second"] for b in baseline[name])
            for r in rows:
                if r["pictures"] == name:
                    r["of_in_process"] = r["per_second"] / rate
        result = {"rows": rows, "in_process": baseline, "floor": floor, "nginx_floor": nginx,
                  "threads": args.threads}
        if args.soak:
            listing = request_files(thumbs, "v1", work / "thumbnails" / "v1")
            result["soak"] = soak(args.artifacts, listing, args.soak, args.threads)
            print("soak", json.dumps(result["soak"]), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2))
        print(table(rows))
        print("\n".join(summary(rows, baseline, args.threads)))
        if floor is not None:
            print("\n".join(bounds(rows, baseline, floor, nginx)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
