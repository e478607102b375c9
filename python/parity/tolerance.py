"""Every parity tolerance in one place, each with the reason for its value."""

from __future__ import annotations

from python.artifacts.registry import spec

#: Float artifacts (SavedModel, float TFLite, float ONNX) against Keras on the same
#: float32 input: the least bound on |p - p_ref|. The math is the same graph in float32;
#: kernels differ only in summation order and fused ops, which moves a small model's
#: probability by ~1e-7. Deeper models round more: each export derives its own bound
#: (``derive_bound``) from float32's noise on that model, never below this floor.
FLOAT_MAX_ABS_DIFF = 1e-5

#: The derived bound is this many times the noise measured on the model
#: (``python.parity.noise``): the largest difference between Keras's own answers to the same
#: pictures in other batch arrangements (another order of summation) or with every weight
#: rounded to a neighbouring float32 (a folded or converted weight), the very kinds of
#: difference another runtime makes. Ten times covers what that sample does not see (another
#: runtime's activation approximations, several roundings at once, more pictures).
NOISE_MULTIPLE = 10.0

#: The derived bound never exceeds this: a model whose float32 noise is larger is numerically
#: fragile, and a wider bound would stop catching wrong weights (a weight nudged by 1e-3 moves
#: MobileNetV2's probabilities by more). ``--atol`` sets the bound explicitly past it.
FLOAT_CEILING = 1e-4

#: How the bound is made, in the manifest's words.
FLOAT_BOUND_RULE = (f"max({FLOAT_MAX_ABS_DIFF:g}, min({NOISE_MULTIPLE:g} x noise,"
                    f" {FLOAT_CEILING:g})), noise = the largest |difference| between Keras's"
                    " answers to the same test pictures in its export batches and in other"
                    " batch arrangements (one picture a call; all of them reversed in one"
                    " batch) or with every float32 weight moved to a random neighbour within"
                    " one unit in the last place")

#: Float artifacts must give every picture the same label as Keras.
FLOAT_LABEL_AGREEMENT = 1.0

#: Quantized artifacts (int8) round weights and activations to 256 levels, so
#: probabilities move by up to a few hundredths; what must hold is the decision.
#: 99% of labels equal, on real pictures (int8 is calibrated on pictures; on synthetic
#: noise it may decide otherwise), is the bar the quantized exports are held to; the max
#: difference is recorded, not bounded.
QUANTIZED_LABEL_AGREEMENT = 0.99

#: An int8 file must answer a picture the same whichever pictures share its batch: dynamic
#: quantization scales activations by each batch's range, so its answers move with the
#: batch (by 7e-4 on the embedded set's test split, 0.016 on the seed data between Python's
#: one call and Java's batches of 64) and the Java library, which batches, would disagree.
#: Static recipes measure 0.0. Held to float's bound.
QUANTIZED_BATCH_DEPENDENCE = FLOAT_MAX_ABS_DIFF

#: Quantized files may be at most this fraction of their float twin's bytes...
QUANTIZED_SIZE_RATIO = 0.30
#: ...when the float twin is larger than this: below it, the fixed cost of scales and QDQ
#: nodes dominates (the grey test model's best is 0.42), so the ratio is reported, not held.
QUANTIZED_SIZE_FROM_BYTES = 1_000_000

#: Quantized accuracy may fall at most this far below the float model's: half a point.
#: On the seed's 333 test pictures that is one picture; on smaller splits, none.
QUANTIZED_ACCURACY_DROP = 0.005

#: A quantized file exists to be deployed: it must be no slower than its float twin in the
#: same runtime (latency at batch 1 and throughput at batch 64, measured side by side).
QUANTIZED_SLOWDOWN = 1.0


def derive_bound(noise: float) -> float:
    """The float bound for a model whose float32 noise is ``noise`` (FLOAT_BOUND_RULE)."""
    return max(FLOAT_MAX_ABS_DIFF, min(NOISE_MULTIPLE * noise, FLOAT_CEILING))


def max_abs_diff_limit(artifact: str, bound: float = FLOAT_MAX_ABS_DIFF) -> float | None:
    """The bound on |p - p_ref| for a float artifact in any runtime: ``bound``, the model's
    float bound, in every runtime, the from-files ones (Java or JavaScript decoding and
    preparing the picture files themselves) included: their inputs are Python's bit for bit,
    so a preprocessing that drifts by one unit of one pixel shows. None for int8 (not
    bounded).

    It also says which labels are decided: a picture whose reference probability lies within
    it of the decision (the threshold, or the runner-up class) may take either label and
    still be within tolerance, so its label does not count against the agreement."""
    if spec(artifact).quantized:
        return None
    return bound


def cell_ok(artifact: str, max_abs_diff: float | None, label_agreement: float,
            bound: float = FLOAT_MAX_ABS_DIFF) -> bool:
    """Whether one parity cell is within tolerance for its kind of artifact, in any runtime.

    ``max_abs_diff`` None means a probability was NaN or infinite: never within tolerance.
    """
    limit = max_abs_diff_limit(artifact, bound)
    if limit is None:
        return label_agreement >= QUANTIZED_LABEL_AGREEMENT and max_abs_diff is not None
    return (max_abs_diff is not None and max_abs_diff <= limit
            and label_agreement >= FLOAT_LABEL_AGREEMENT)


def describe(bound: float = FLOAT_MAX_ABS_DIFF) -> dict[str, float]:
    """The tolerances as written into the manifest, with the model's float bound."""
    return {
        "float_max_abs_diff": bound,
        "float_label_agreement": FLOAT_LABEL_AGREEMENT,
        "quantized_label_agreement": QUANTIZED_LABEL_AGREEMENT,
        "quantized_size_ratio": QUANTIZED_SIZE_RATIO,
        "quantized_accuracy_drop": QUANTIZED_ACCURACY_DROP,
        "quantized_slowdown": QUANTIZED_SLOWDOWN,
        "quantized_batch_dependence": QUANTIZED_BATCH_DEPENDENCE,
    }
