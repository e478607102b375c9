"""Every artifact the toolkit exports, declared once.

Each entry says what a person needs to know about one artifact: its file, its
format, the converter that makes it, whether its weights are quantized (and its float
twin), the Python runtime that checks it and the Java runtimes that run it. The export,
the manifest, predict, parity, reference and the benchmark all derive their lists from here.

Adding a format means one entry here, one converter in ``converters/`` and one
loader in ``python.runtimes.loaders``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArtifactSpec:
    """One exported artifact: where it lives in the folder and who runs it."""

    name: str
    file: str
    format: str
    python_runtime: str
    java_runtimes: tuple[str, ...] = ()
    #: The JavaScript runtimes that run it (python.runtimes.js, the js/ package).
    js_runtimes: tuple[str, ...] = ()
    #: The float artifact this one is the int8 twin of; None for float artifacts.
    float_twin: str | None = None
    description: str = ""
    #: "module:function" that writes it, called as function(source, out): None for int8
    #: twins, which the int8 search makes from their float twin (python.export.quantization).
    converter: str | None = None
    #: What the converter reads: "savedmodel" (Keras's inference SavedModel) or "model".
    reads: str = "savedmodel"

    @property
    def quantized(self) -> bool:
        return self.float_twin is not None


#: Python runtime -> what it is (the parity keys are "<artifact>/<runtime>").
PYTHON_RUNTIMES = {
    "keras": "Keras 3 (the reference the others are checked against)",
    "tensorflow": "tf.saved_model.load in Python TensorFlow",
    "litert": "LiteRT (ai-edge-litert), the standalone TFLite interpreter",
    "onnxruntime": "onnxruntime (Python)",
}

#: Java runtime -> what it is. Each runs in a JVM worker process, never beside TensorFlow.
JAVA_RUNTIMES = {
    "tensorflow_java": "TensorFlow Java's SavedModelBundle, called directly",
    "onnxruntime_java": "ONNX Runtime Java's OrtSession, called directly",
    "onnxruntime_java_oldest": "ONNX Runtime Java at the oldest version our ONNX files must load"
                               " in (build.gradle's onnxruntimeOldestVersion), called directly",
    "java_files": "the project's Java library, end to end from picture files",
}

#: The runtime that reads picture files itself (decoding and resizing in Java).
FROM_FILES_RUNTIME = "java_files"

#: JavaScript runtime -> what it is. Each runs in a Node worker process (the web ones in
#: headless Chromium, which that worker drives).
JS_RUNTIMES = {
    "onnxruntime_node": "onnxruntime-node (ONNX Runtime's native CPU library in Node), called"
                        " directly",
    "onnxruntime_web": "onnxruntime-web (WebAssembly, one thread) in headless Chromium, called"
                       " directly",
    "node_files": "the js/ package in Node, end to end from picture files",
    "web_files": "the js/ package in headless Chromium, end to end from picture files",
}

#: The runtimes that read picture files themselves: held to the from-files tolerance.
FROM_FILES_RUNTIMES = frozenset({FROM_FILES_RUNTIME, "node_files", "web_files"})
#: The JavaScript runtimes that run in a browser.
BROWSER_RUNTIMES = frozenset({"onnxruntime_web", "web_files"})

#: In the order of the size table.
ARTIFACTS: tuple[ArtifactSpec, ...] = (
    ArtifactSpec("savedmodel", "savedmodel", "savedmodel", "tensorflow",
                 ("tensorflow_java", FROM_FILES_RUNTIME),
                 description="TF SavedModel, frozen for serving",
                 converter="converters.savedmodel:freeze_savedmodel"),
    ArtifactSpec("keras", "model.keras", "keras", "keras", description="Keras 3",
                 converter="converters.keras:save_keras", reads="model"),
    ArtifactSpec("tflite", "model.tflite", "tflite", "litert", description="float32 TFLite",
                 converter="converters.tflite:to_tflite"),
    ArtifactSpec("onnx", "model.onnx", "onnx", "onnxruntime",
                 ("onnxruntime_java", "onnxruntime_java_oldest", FROM_FILES_RUNTIME),
                 tuple(JS_RUNTIMES),
                 description="float32 ONNX", converter="converters.onnx:to_onnx"),
    ArtifactSpec("tflite_int8", "model_int8.tflite", "tflite", "litert", float_twin="tflite",
                 description="full-integer int8 TFLite"),
    ArtifactSpec("onnx_int8", "model_int8.onnx", "onnx", "onnxruntime",
                 ("onnxruntime_java", "onnxruntime_java_oldest", FROM_FILES_RUNTIME),
                 tuple(JS_RUNTIMES), float_twin="onnx",
                 description="int8 ONNX"),
)

BY_NAME = {spec.name: spec for spec in ARTIFACTS}


def spec(name: str) -> ArtifactSpec:
    """The artifact called ``name``; a KeyError names the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no artifact {name!r}; known: {', '.join(BY_NAME)}") from None


def float_artifacts() -> tuple[ArtifactSpec, ...]:
    return tuple(s for s in ARTIFACTS if not s.quantized)


def quantized_artifacts() -> tuple[ArtifactSpec, ...]:
    return tuple(s for s in ARTIFACTS if s.quantized)


def java_artifacts(runtime: str) -> tuple[str, ...]:
    """The artifacts one Java runtime runs, in registry order."""
    return tuple(s.name for s in ARTIFACTS if runtime in s.java_runtimes)


def js_artifacts(runtime: str) -> tuple[str, ...]:
    """The artifacts one JavaScript runtime runs, in registry order."""
    return tuple(s.name for s in ARTIFACTS if runtime in s.js_runtimes)


def java_runnable() -> tuple[str, ...]:
    """Artifacts some Java runtime runs: the ones Python writes reference outputs for."""
    return tuple(s.name for s in ARTIFACTS if s.java_runtimes)
