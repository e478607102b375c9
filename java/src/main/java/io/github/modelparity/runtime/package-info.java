/**
 * The runtimes behind one small interface: {@link io.github.modelparity.runtime.ModelRuntime},
 * found by ServiceLoader, loads an artifact into a
 * {@link io.github.modelparity.runtime.LoadedModel}. A runtime module (the ONNX
 * runtime in this library, {@code modelparity-tensorflow} beside it) implements it;
 * {@link io.github.modelparity.runtime.Runtimes} finds them, checks the artifact's
 * sha256 and loads it on a large stack. May use: the API package's exceptions and
 * ArtifactFormat, the manifest.
 */
package io.github.modelparity.runtime;
