"""How fast a loaded artifact answers: one picture (p50, p99) and batches of 64 (pictures/s).

The benchmark worker times one runtime in a process of its own; the export times
int8 candidates against their float twin in one process, interleaved round by round,
so drift on a shared machine falls on both alike and their ratio holds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

import numpy as np

from python.runtimes.loaders import Predictor

BATCH = 64
log = logging.getLogger(__name__)


def _inputs(shape: tuple[int, ...], ranges: list[tuple[float, float]] | None = None,
            ) -> tuple[np.ndarray, np.ndarray]:
    """One picture and a batch of BATCH, uniform noise over each channel's input range
    ([0, 1] when none is given): the model's own kind of input, [n, H, W, C]."""
    rng = np.random.default_rng(0)
    ranges = ranges or [(0.0, 1.0)] * shape[-1]
    low = np.asarray([lo for lo, _ in ranges], np.float32)
    high = np.asarray([hi for _, hi in ranges], np.float32)

    def draw(n: int) -> np.ndarray:
        return (low + rng.uniform(0, 1, (n, *shape)) * (high - low)).astype(np.float32)

    return draw(1), draw(BATCH)


def measure(run: Callable[[np.ndarray], np.ndarray], shape: tuple[int, ...], iterations: int,
            ranges: list[tuple[float, float]] | None = None) -> dict:
    """p50 and p99 of single-picture calls after warm-up, and batch-64 throughput."""
    one, batch = _inputs(shape, ranges)
    for _ in range(max(10, iterations // 10)):
        run(one)
    times = []
    for _ in range(iterations):
        t = time.perf_counter()
        run(one)
        times.append(time.perf_counter() - t)
    run(batch)
    rounds = max(3, iterations // 20)
    t = time.perf_counter()
    for _ in range(rounds):
        run(batch)
    per_batch = (time.perf_counter() - t) / rounds
    ms = np.asarray(times) * 1e3
    return {"latency_ms_p50": float(np.percentile(ms, 50)),
            "latency_ms_p99": float(np.percentile(ms, 99)),
            "throughput_per_s": BATCH / per_batch}


def _calls_for(predict: Predictor, x: np.ndarray, window: float, least: int) -> int:
    """How many calls fill about ``window`` seconds (at least ``least``)."""
    t = time.perf_counter()
    for _ in range(least):
        predict(x)
    each = (time.perf_counter() - t) / least
    return max(least, int(np.ceil(window / max(each, 1e-7))))


def side_by_side(predictors: Mapping[str, Predictor], shape: tuple[int, ...], rounds: int = 7,
                 window: float = 0.02, ranges: list[tuple[float, float]] | None = None,
                 ) -> dict[str, dict[str, float]]:
    """Each predictor's median p50 (ms, one picture) and batch-64 throughput.

    Rounds alternate between the predictors, so a slow spell of the machine lands on
    all of them; each round times about ``window`` seconds of each, and each figure is
    the median over the rounds.
    """
    one, batch = _inputs(shape, ranges)
    plan = {}
    for name, predict in predictors.items():  # warm-up (first calls allocate and plan)
        for _ in range(20):
            predict(one)
        predict(batch)
        plan[name] = (_calls_for(predict, one, window, 30), _calls_for(predict, batch, window, 3))
    p50s: dict[str, list[float]] = {k: [] for k in predictors}
    rates: dict[str, list[float]] = {k: [] for k in predictors}
    for r in range(rounds):
        started = time.perf_counter()
        for name, predict in predictors.items():
            singles, batches = plan[name]
            times = []
            for _ in range(singles):
                t = time.perf_counter()
                predict(one)
                times.append(time.perf_counter() - t)
            p50s[name].append(float(np.median(times)) * 1e3)
            t = time.perf_counter()
            for _ in range(batches):
                predict(batch)
            rates[name].append(batches * BATCH / (time.perf_counter() - t))
        took = time.perf_counter() - started  # progress worth showing only on long work
        (log.info if took > 5 else log.debug)("timing round %d of %d: %.1f s", r + 1, rounds,
                                              took)
    return {k: {"latency_ms_p50": float(np.median(p50s[k])),
                "throughput_per_s": float(np.median(rates[k]))} for k in predictors}
