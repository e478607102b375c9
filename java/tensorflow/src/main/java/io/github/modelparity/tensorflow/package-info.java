/**
 * The SavedModel runtime, published as {@code io.github.modelparity:modelparity-tensorflow}:
 * TensorFlow Java 1.1.0 ({@code SavedModelBundle}) with its Linux x86_64 natives.
 *
 * <p>{@link io.github.modelparity.tensorflow.TensorFlowRuntime} is the
 * {@link io.github.modelparity.runtime.ModelRuntime} the library finds through
 * {@code META-INF/services}; the model it loads ({@code SavedModel}) is package-private.
 * {@link io.github.modelparity.tensorflow.SessionFloor} measures TensorFlow Java's
 * own cost per call for the benchmark. May use: the library's API, manifest and runtime packages.
 */
package io.github.modelparity.tensorflow;
