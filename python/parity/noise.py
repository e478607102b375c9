"""float32's own noise on a model: what its float bound is derived from.

Another runtime computes the same graph in float32 with other kernels, which sum in another
order, and folds steps into others (a batch norm into its convolution's weights), which
rounds the weights anew. Both are measured here on Keras itself, on the test pictures:
- another batch arrangement: TensorFlow's kernels block a batch of one otherwise than a
  batch of many, and so sum in another order;
- every weight rounded to a random neighbour within one float32 unit in the last place, as a
  folded or converted weight may be.
The largest difference either makes is a sample of the rounding a runtime may add on this
model, on its depth and its pictures: a deep network rounds more than the selfie CNN.
"""

from __future__ import annotations

import logging

import numpy as np

from python.artifacts.manifest import FloatBound
from python.parity import tolerance

log = logging.getLogger(__name__)

#: Test pictures the noise is measured on: enough for its largest difference, few enough that
#: a 224 x 224 model answers them one at a time in seconds.
NOISE_PICTURES = 32


def float_noise(predict, x: np.ndarray, reference: np.ndarray) -> tuple[float, int]:
    """The largest |difference| between ``reference`` (Keras's answers in the export's
    batches) and Keras's answers to the same pictures one a call, and all in one batch in
    reverse order; and how many pictures that was."""
    n = min(len(x), NOISE_PICTURES)
    if n == 0:
        return 0.0, 0
    sample, ref = x[:n], np.asarray(reference[:n], np.float64)
    one_by_one = np.concatenate([np.asarray(predict(sample[i:i + 1])) for i in range(n)])
    reversed_batch = np.asarray(predict(np.ascontiguousarray(sample[::-1])))[::-1]
    diffs = [np.abs(np.asarray(a, np.float64).reshape(ref.shape) - ref).max()
             for a in (one_by_one, reversed_batch)]
    return float(max(diffs)), n


#: Draws of rounded weights: each a full answer to the sample.
WEIGHT_DRAWS = 2


def weight_rounding_noise(model: object, predict, x: np.ndarray, reference: np.ndarray,
                          seed: int = 0) -> float:
    """The largest |difference| in Keras's answers when every float32 weight moves to a
    random neighbour within one unit in the last place (0.0 for a model whose weights Keras
    cannot set, such as a SavedModel given as it is). The weights are restored after."""
    n = min(len(x), NOISE_PICTURES)
    try:
        weights = model.get_weights()
    except Exception:  # noqa: BLE001 - no Keras weights: nothing to round
        return 0.0
    rng = np.random.default_rng(seed)
    ref = np.asarray(reference[:n], np.float64)
    worst = 0.0
    for _ in range(WEIGHT_DRAWS):
        try:
            model.set_weights([_rounded(w, rng) for w in weights])
        except Exception:  # noqa: BLE001 - weights Keras cannot set: nothing to round
            break
        try:
            got = np.asarray(predict(x[:n]), np.float64).reshape(ref.shape)
            worst = max(worst, float(np.abs(got - ref).max()))
        finally:
            model.set_weights(weights)
    return worst


def _rounded(w: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """float32 w, each value moved by up to one float32 ulp at random (others unchanged)."""
    w = np.asarray(w)
    if w.dtype != np.float32:
        return w
    step = np.spacing(np.abs(w)).astype(np.float64)
    return (w.astype(np.float64) + rng.uniform(-1.0, 1.0, w.shape) * step).astype(np.float32)


def float_bound(predict, x: np.ndarray, reference: np.ndarray, given: float | None = None,
                model: object | None = None) -> FloatBound:
    """The model's float bound: ``given`` (--atol), else derived from its measured noise
    (batch arrangements, and rounded weights when ``model`` is a Keras model)."""
    noise, n = float_noise(predict, x, reference)
    if model is not None:
        noise = max(noise, weight_rounding_noise(model, predict, x, reference))
    if given is not None:
        return FloatBound(max_abs_diff=given, noise=noise, pictures=n,
                          rule="given with --atol", given=True)
    return FloatBound(max_abs_diff=tolerance.derive_bound(noise), noise=noise, pictures=n,
                      rule=tolerance.FLOAT_BOUND_RULE)


def model_bound(model: object, x: np.ndarray, reference: np.ndarray,
                given: float | None) -> FloatBound:
    """The float artifacts' bound for this model, said on the terminal."""
    from python.runtimes.loaders import keras_probabilities

    bound = float_bound(lambda v: keras_probabilities(model, v), x, reference, given,
                        model if hasattr(model, "get_weights") else None)
    log.info("float bound %.3g (%s; float32 noise %.3g on %d test pictures)",
             bound.max_abs_diff, "--atol" if bound.given else "derived", bound.noise,
             bound.pictures)
    if not bound.given and bound.max_abs_diff < tolerance.NOISE_MULTIPLE * bound.noise:
        log.warning("float32 noise %.3g on this model: the bound is capped at %g; a float"
                    " artifact that rounds more fails (--atol sets the bound)", bound.noise,
                    bound.max_abs_diff)
    return bound
