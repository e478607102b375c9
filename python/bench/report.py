"""bench.json, its Markdown tables and a bar chart, speeds also as ratios to Keras."""

from __future__ import annotations

import json
from pathlib import Path

from python.bench.photo_runs import markdown as photo_markdown


def add_ratios(result: dict) -> None:
    """Each runtime's speed relative to Keras measured in the same run."""
    keras = next((r for r in result.get("runtimes", []) if r["name"] == "keras"), None)
    for r in result.get("runtimes", []):
        if keras:
            r["latency_vs_keras"] = r["latency_ms_p50"] / keras["latency_ms_p50"]
            r["throughput_vs_keras"] = r["throughput_per_s"] / keras["throughput_per_s"]


def int8_against_float(result: dict) -> list[dict]:
    """Each int8 route next to its float twin in the same runtime and language."""
    from python.artifacts.registry import BY_NAME

    rows = result["runtimes"]
    pairs = []
    for r in rows:
        spec = BY_NAME.get(r["artifact"])
        if spec is None or not spec.quantized:
            continue
        twin = next((f for f in rows if f["artifact"] == spec.float_twin
                     and f["name"] == r["name"] and f["lang"] == r["lang"]), None)
        if twin is None:
            continue
        pairs.append({"runtime": r["name"], "lang": r["lang"], "artifact": r["artifact"],
                      "latency_ratio": r["latency_ms_p50"] / twin["latency_ms_p50"],
                      "throughput_ratio": r["throughput_per_s"] / twin["throughput_per_s"]})
    return pairs


def markdown(result: dict) -> str:
    m = result["machine"]
    if "runtimes" not in result:  # --photos-only
        return "\n".join([f"Machine: {m['cpu']}, {m['cores']} cores; Python {m['python']},"
                          f" {m['java']}.", *photo_markdown(result["photos"])]) + "\n"
    lines = [f"Machine: {m['cpu']}, {m['cores']} cores; Python {m['python']},"
             f" TensorFlow {m['tensorflow']}, onnxruntime {m['onnxruntime']}, {m['java']}."
             f" {result['threads']} intra-op thread(s) per runtime; {result['iterations']}"
             " timed single-picture calls each. Artifacts: the"
             f" {result['artifacts']['architecture']} network (test accuracy"
             f" {result['artifacts']['test_accuracy']:.3f}).", "",
             "| runtime | artifact | lang | p50 ms | p99 ms | x Keras latency | batch-64 pictures/s"
             " | x Keras throughput | load ms | peak RSS MB |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in result["runtimes"]:
        lines.append(
            f"| {r['name']} | {r['artifact']} | {r['lang']} | {r['latency_ms_p50']:.4f} |"
            f" {r['latency_ms_p99']:.4f} | {r.get('latency_vs_keras', 0):.3f} |"
            f" {r['throughput_per_s']:,.0f} | {r.get('throughput_vs_keras', 0):.2f} |"
            f" {r['load_ms']:.0f} | {r['peak_rss_mb']:.0f} |")
    pairs = int8_against_float(result)
    if pairs:
        lines += ["", "int8 against its float twin, same runtime, same threads, this run"
                  " (below 1 is faster for latency, above 1 is better for throughput):", "",
                  "| runtime | lang | artifact | latency x float | batch-64 throughput x float |",
                  "|---|---|---|---:|---:|"]
        lines += [f"| {q['runtime']} | {q['lang']} | {q['artifact']} |"
                  f" {q['latency_ratio']:.2f} | {q['throughput_ratio']:.2f} |" for q in pairs]
    floors = [r for r in result["runtimes"] if "call_floor_ms" in r]
    if floors:
        lines += ["", "TensorFlow Java's own cost per call, apart from any model (`Session.run` of"
                  " one Identity op on one picture, same settings): " + ", ".join(
                      f"{r['call_floor_ms']:.4f} ms ({r['name']})" for r in floors)
                  + "; the rest of its p50 is TensorFlow's kernels."]
    pre = result["preprocessing"]
    lines += ["", "Preprocessing (decode and prepare one 40 x 40 picture file): Python (Pillow)"
              f" {pre.get('python_ms_per_picture', float('nan')):.3f} ms, Java"
              f" {pre.get('java_ms_per_picture', float('nan')):.3f} ms."]
    t = result["training"]
    if "samples_per_s" in t:
        lines += ["", f"Training the {t['architecture']} network on the seed data:"
                  f" {t['samples']} samples ({t['epochs']} epochs)"
                  f" in {t['seconds']:.1f} s = {t['samples_per_s']:.0f} samples/s, against the"
                  f" seed's {t['seed_samples_per_s']:.1f} samples/s (10 epochs in an hour):"
                  f" {t['speedup_over_seed']:.0f} times faster. Export plus verification took"
                  f" {t['export_and_verify_seconds']:.1f} s more (test accuracy"
                  f" {t['test_accuracy']:.3f})."]
    else:
        lines += ["", f"Training: {t.get('skipped')}"]
    if "photos" in result:
        lines += photo_markdown(result["photos"])
    lines += ["", "| route | model MB | runtime MB | total MB | runtime parts |",
              "|---|---:|---:|---:|---|"]
    for f in sorted(result["footprint"], key=lambda f: f["total_mb"]):
        lines.append(f"| {f['route']} | {f['model_bytes'] / 1e6:.2f} |"
                     f" {f['runtime_bytes'] / 1e6:.1f} | {f['total_mb']:.1f} |"
                     f" {f['runtime_parts']} |")
    return "\n".join(lines) + "\n"


def chart(result: dict, path: Path) -> Path:
    """Single-picture p50 latency and batch-64 throughput per runtime, log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result["runtimes"]
    names = [f"{r['name']}\n{r['artifact']}" for r in rows]
    colours = ["#4c72b0" if r["lang"] == "python" else "#dd8452" for r in rows]
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    for ax, key, title in ((axes[0], "latency_ms_p50", "one picture, p50 latency (ms, lower"
                            " is better)"),
                           (axes[1], "throughput_per_s", "batch 64, pictures per second"
                            " (higher is better)")):
        ax.barh(names, [r[key] for r in rows], color=colours)
        ax.set_xscale("log")
        ax.set_title(title, fontsize=10)
        ax.invert_yaxis()
        ax.tick_params(axis="y", labelsize=8)
    axes[1].set_yticklabels([])
    fig.suptitle(f"{result['artifacts']['architecture']} network; blue: Python, orange: Java;"
                 f" {result['threads']} intra-op thread(s) each")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_reports(result: dict, out: Path) -> dict[str, Path]:
    add_ratios(result)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    md = out.with_suffix(".md")
    md.write_text(markdown(result))
    if "runtimes" not in result:
        return {"json": out, "markdown": md}
    png = chart(result, out.with_suffix(".png"))
    return {"json": out, "markdown": md, "chart": png}
