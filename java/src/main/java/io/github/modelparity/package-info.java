/**
 * The API a user calls: {@link io.github.modelparity.Classifier} opens an artifacts
 * folder written by {@code python -m python.export} and classifies pictures
 * ({@link io.github.modelparity.Classification}); the exceptions say what went wrong
 * in one line that names the file.
 *
 * <p>May use every package below. The packages below may use only this package's exceptions
 * and {@link io.github.modelparity.ArtifactFormat}. The packages other than this one
 * and {@code runtime} are internal: their types are public only where another package of the
 * library calls them, and carry no compatibility promise.
 */
package io.github.modelparity;
