"""The JVM side of parity, run as its own process: numpy and JPype only, never TensorFlow.

Python TensorFlow and TensorFlow Java each carry libtensorflow_framework.so.2 and
their own protobuf registries; in one process they crash. So the parent writes
inputs as .npy files and a request as JSON, starts ``python -m python.runtimes.jvm_worker
REQUEST``, and reads probabilities back as .npy. A crash here costs only this
process: the parent turns it into failed cells carrying this process's stderr.

Request: {"classpath": [jar, ...], "runtime": "tensorflow_java" | "onnxruntime_java" |
"java_files", "artifacts": DIR, "signature": the manifest's signature, "jobs":
[{"artifact", "path", "input", "npy" | "files", "out"}], "result": FILE}. Result, written
to FILE as JSON: {"jobs": [{"out", "error", "seconds", "labels"?}]}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from python.artifacts.registry import FROM_FILES_RUNTIME, JAVA_RUNTIMES


def _start_jvm(classpath: list[str]) -> None:
    import jpype

    missing = [p for p in classpath if not Path(p).exists()]
    if missing:
        raise FileNotFoundError(f"classpath entry missing: {missing[0]}")
    jpype.startJVM(classpath=classpath, convertStrings=True)


def _floats(x: np.ndarray) -> object:
    import jpype

    return jpype.JArray(jpype.JFloat)(np.ascontiguousarray(x, dtype=np.float32).reshape(-1))


class TensorFlowJava:
    """org.tensorflow.SavedModelBundle called directly, with the manifest's tag and signature."""

    def __init__(self, path: str, signature: dict) -> None:
        import jpype

        self.tf = jpype.JPackage("org").tensorflow
        self.bundle = self.tf.SavedModelBundle.load(path, signature["tag"])
        self.fn = self.bundle.function(signature["name"])
        signature = self.fn.signature()
        self.input = str(next(iter(signature.inputNames())))
        self.output = str(next(iter(signature.outputNames())))

    def run(self, x: np.ndarray) -> np.ndarray:
        import jpype

        tf = self.tf
        buffers = tf.ndarray.buffer.DataBuffers
        shape = tf.ndarray.Shape.of(*[int(d) for d in x.shape])
        # JPype makes every AutoCloseable a context manager: try-with-resources, in Python
        with tf.types.TFloat32.tensorOf(shape, buffers.of(_floats(x), True, False)) as tensor, \
                self.fn.call(jpype.JClass("java.util.Map").of(self.input, tensor)) as result:
            answer = result.get(self.output).get()
            out = jpype.JArray(jpype.JFloat)(int(answer.shape().size()))
            answer.copyTo(buffers.of(out, False, False))
        return np.asarray(out, dtype=np.float32)

    def close(self) -> None:
        self.bundle.close()


class OnnxRuntimeJava:
    """ai.onnxruntime.OrtSession called directly."""

    def __init__(self, path: str, signature: dict) -> None:
        import jpype

        self.ort = jpype.JPackage("ai").onnxruntime
        self.env = self.ort.OrtEnvironment.getEnvironment()
        self.session = self.env.createSession(path, self.ort.OrtSession.SessionOptions())
        self.input = str(next(iter(self.session.getInputNames())))

    def run(self, x: np.ndarray) -> np.ndarray:
        import jpype

        buffer = jpype.JClass("java.nio.FloatBuffer").wrap(_floats(x))
        shape = jpype.JArray(jpype.JLong)([int(d) for d in x.shape])
        with self.ort.OnnxTensor.createTensor(self.env, buffer, shape) as tensor, \
                self.session.run(jpype.JClass("java.util.Map").of(self.input, tensor)) as result:
            values = result.get(0).getFloatBuffer()
            out = jpype.JArray(jpype.JFloat)(int(values.remaining()))
            values.get(out)
        return np.asarray(out, dtype=np.float32)

    def close(self) -> None:
        self.session.close()


class NotApplicable(Exception):
    """The Java library refused the model as one it cannot prepare pictures for (yet)."""


class JavaLibraryFromFiles:
    """The project's own Java Classifier (io.github.modelparity), from picture files."""

    def __init__(self, artifacts: str, artifact: str) -> None:
        import jpype

        pkg = jpype.JPackage("io").github.modelparity
        paths = jpype.JClass("java.nio.file.Paths")
        self.paths = paths
        try:
            self.classifier = pkg.Classifier.open(paths.get(artifacts),
                                                  pkg.ArtifactFormat.of(artifact))
        except jpype.JClass("io.github.modelparity.UnsupportedModelException") as err:
            message = str(err.getMessage())  # without the (staging) folder it names first
            raise NotApplicable(message.split("manifest.json: ", 1)[-1]) from None
        manifest = json.loads((Path(artifacts) / "manifest.json").read_text(encoding="utf-8"))
        self.one_unit = manifest.get("output", {}).get("classes", 1) == 1

    def run(self, files: list[str]) -> tuple[np.ndarray, list[str]]:
        import jpype

        arraylist = jpype.JClass("java.util.ArrayList")()
        for f in files:
            arraylist.add(self.paths.get(f))
        results = self.classifier.classifyAll(arraylist)
        # The model's output [n, classes]: a one-unit model's positive probability, or every
        # label's probability (float32 values the Java side widened to double).
        if self.one_unit:
            rows = [[float(r.probability())] for r in results]
        else:
            rows = [[float(p.probability()) for p in r.probabilities()] for r in results]
        return np.asarray(rows, dtype=np.float32), [str(r.label()) for r in results]

    def close(self) -> None:
        self.classifier.close()


def _runner(request: dict, job: dict) -> object:
    if request["runtime"] == FROM_FILES_RUNTIME:
        return JavaLibraryFromFiles(request["artifacts"], job["artifact"])
    return RUNNERS[request["runtime"]](job["path"], request["signature"])


#: Java runtime (the registry's JAVA_RUNTIMES) -> the class that calls it directly.
RUNNERS = {"tensorflow_java": TensorFlowJava, "onnxruntime_java": OnnxRuntimeJava,
           "onnxruntime_java_oldest": OnnxRuntimeJava}


def serve(request: dict) -> dict:
    """Run every job of the request; a job that throws is reported, the others go on."""
    _start_jvm(request["classpath"])
    runtime = request["runtime"]
    runners: dict[str, object] = {}
    done = []
    for job in request["jobs"]:
        start = time.perf_counter()
        entry = {"out": job["out"], "error": None}
        try:
            if job["artifact"] not in runners:
                runners[job["artifact"]] = _runner(request, job)
            runner = runners[job["artifact"]]
            if runtime == FROM_FILES_RUNTIME:
                probability, labels = runner.run(job["files"])
                entry["labels"] = labels
            else:
                probability = runner.run(np.load(job["npy"]))
            np.save(job["out"], probability)
        except NotApplicable as why:
            entry["not_applicable"] = str(why)[:500]
        except Exception as err:  # noqa: BLE001 - reported per job, Java exceptions included
            entry["error"] = f"{type(err).__name__}: {err}".splitlines()[0][:500]
        entry["seconds"] = round(time.perf_counter() - start, 4)
        done.append(entry)
    for runner in runners.values():
        runner.close()
    return {"jobs": done}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m python.runtimes.jvm_worker REQUEST.json", file=sys.stderr)
        return 2
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    if request.get("runtime") not in JAVA_RUNTIMES:
        print(f"jvm_worker: unknown runtime {request.get('runtime')!r}", file=sys.stderr)
        return 2
    result = serve(request)
    Path(request["result"]).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
