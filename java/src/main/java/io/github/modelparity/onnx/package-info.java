/**
 * Internal: ONNX Runtime as a {@link io.github.modelparity.runtime.ModelRuntime}
 * (model.onnx and model_int8.onnx), listed in this library's META-INF/services. May use: the
 * API package's exceptions and ArtifactFormat, the manifest, the runtime interface, ONNX Runtime.
 */
package io.github.modelparity.onnx;
