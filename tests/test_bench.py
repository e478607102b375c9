"""The benchmark's report: ratios to Keras, every runtime in the table, a chart."""

from __future__ import annotations

import json

from python.bench.report import write_reports
from python.runtimes.jvm import java_unavailable


def _row(name, artifact, lang, p50, tput):
    return {"name": name, "artifact": artifact, "lang": lang, "latency_ms_p50": p50,
            "latency_ms_p99": p50 * 2, "throughput_per_s": tput, "load_ms": 10.0,
            "peak_rss_mb": 100.0}


def test_report_has_ratios_tables_and_chart(tmp_path):
    result = {
        "machine": {"cpu": "test cpu", "cores": 2, "python": "3", "tensorflow": "2.18.1",
                    "onnxruntime": "1", "java": "openjdk 17"},
        "iterations": 10, "threads": 1,
        "artifacts": {"architecture": "seed", "test_accuracy": 0.87},
        "runtimes": [_row("keras", "keras", "python", 4.0, 1000.0),
                     _row("onnxruntime_java", "onnx", "java", 0.1, 40000.0),
                     _row("onnxruntime_java", "onnx_int8", "java", 0.05, 50000.0),
                     {**_row("tensorflow_java", "savedmodel", "java", 0.2, 30000.0),
                      "call_floor_ms": 0.0123}],
        "preprocessing": {"python_ms_per_picture": 0.5, "java_ms_per_picture": 0.6},
        "training": {"samples": 100, "epochs": 1, "seconds": 2.0, "samples_per_s": 50.0,
                     "seed_samples_per_s": 3.5, "speedup_over_seed": 14.0,
                     "export_and_verify_seconds": 1.0, "test_accuracy": 0.8,
                     "architecture": "seed"},
        "footprint": [{"route": "ONNX Runtime Java + ONNX", "artifact": "onnx",
                       "model_bytes": 3_000_000, "runtime_bytes": 50_000_000,
                       "total_mb": 53.0, "runtime_parts": "jar"}],
    }
    paths = write_reports(result, tmp_path / "bench.json")
    saved = json.loads(paths["json"].read_text())
    java = saved["runtimes"][1]
    assert abs(java["latency_vs_keras"] - 0.025) < 1e-12
    assert abs(java["throughput_vs_keras"] - 40.0) < 1e-12
    md = paths["markdown"].read_text()
    assert "| onnxruntime_java | onnx | java |" in md and "| keras | keras | python |" in md
    assert "| onnxruntime_java | java | onnx_int8 | 0.50 | 1.25 |" in md
    assert "ONNX Runtime Java + ONNX | 3.00 | 50.0 | 53.0" in md
    assert "one picture, same settings): 0.0123 ms (tensorflow_java)" in md
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_java_skip_reason_is_plain(tmp_path):
    why = java_unavailable(tmp_path / "missing-classpath.txt")
    assert why is not None
    assert "gradle writeClasspath" in why or "JDK" in why or "jpype" in why


def test_java_routes_skip_an_artifact_the_export_left_out(tmp_path, monkeypatch):
    """An export whose int8 file was left out still benchmarks: no route asks Java for it."""
    from types import SimpleNamespace

    from python.bench import command

    asked = []

    def fake_run(cmd, environment=None):
        fmt = cmd[cmd.index("--formats") + 1]
        asked.append(fmt)
        report = {"runtimes": {fmt: {"load_ms": 1.0, "p50_ms": 0.1, "p99_ms": 0.2,
                                     "batch64_pictures_per_s": 9.0}}}
        return json.dumps(report), 50.0, 0.0

    bench = tmp_path / "modelparity-java-benchmark"
    bench.write_text("")
    monkeypatch.setattr(command, "JAVA_BENCH", bench)
    monkeypatch.setattr(command, "run_measured", fake_run)
    manifest = SimpleNamespace(artifacts={"savedmodel": None, "onnx": None})
    rows, _ = command.java_runtimes(tmp_path, manifest, None, 5, 1)
    assert asked == ["savedmodel", "savedmodel", "onnx"]
    assert [r["artifact"] for r in rows] == asked
