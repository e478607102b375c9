package io.github.modelparity.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.modelparity.ArtifactException;
import io.github.modelparity.manifest.Manifest;
import io.github.modelparity.runtime.LoadedModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * An ONNX model run by ONNX Runtime. The input and output names are the manifest's
 * (signature.onnx_input, signature.onnx_output), or the model's only ones when it names none.
 *
 * <p>The session options stay open as long as the session: ONNX Runtime's Javadoc requires
 * that a SessionOptions outlive every session created with it (closing it early crashed the
 * JVM in microsoft/onnxruntime#23555). Both are closed in {@link #close()}, session first.
 */
final class OnnxModel implements LoadedModel {
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final String inputName;
    private final String outputName;
    private final long height;
    private final long width;
    private final long channels;
    /**
     * Each calling thread's input buffer, grown to the largest batch it has sent. A direct
     * buffer allocated per call cost about 0.005 ms at batch 1 and, at batch 64, pressure on
     * the JVM's direct memory that halved throughput within a few thousand calls.
     */
    private final ThreadLocal<FloatBuffer> inputs = new ThreadLocal<>();

    OnnxModel(Path model, Manifest manifest, int threads) {
        this(model, manifest, threads, new OrtSession.SessionOptions());
    }

    /** Takes ownership of {@code options}: they are closed with this runner, or now if loading fails. */
    OnnxModel(Path model, Manifest manifest, int threads, OrtSession.SessionOptions options) {
        this.env = OrtEnvironment.getEnvironment();
        this.options = options;
        this.height = manifest.height();
        this.width = manifest.width();
        this.channels = manifest.channels();
        OrtSession s = null;
        try {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            s = env.createSession(model.toString(), options);
            Manifest.Signature names = manifest.signature();
            this.inputName = name(model, "input", names.onnxInput(), s.getInputInfo());
            this.outputName = name(model, "output", names.onnxOutput(), s.getOutputInfo());
            if (s.getInputInfo().get(inputName).getInfo() instanceof TensorInfo info) {
                long[] shape = info.getShape();
                if (shape.length != 4 || shape[1] != height || shape[2] != width || shape[3] != channels) {
                    throw new ArtifactException(model + ": input " + inputName + " has shape "
                            + Arrays.toString(shape) + ", the manifest says [batch, "
                            + height + ", " + width + ", " + channels + "]");
                }
            }
            this.session = s;
        } catch (OrtException e) {
            closeQuietly(s, options);
            throw new ArtifactException(model + ": ONNX Runtime cannot load it (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(s, options);
            throw e;
        }
    }

    /** The manifest's name for the model's input or output, checked; else the model's only one. */
    private static String name(Path model, String what, String named, Map<String, NodeInfo> found) {
        if (named != null) {
            if (!found.containsKey(named)) {
                throw new ArtifactException(model + ": the manifest names " + what + " '" + named
                        + "', the model has " + found.keySet());
            }
            return named;
        }
        if (found.size() != 1) {
            throw new ArtifactException(model + ": expected one " + what + ", found " + found.keySet());
        }
        return found.keySet().iterator().next();
    }

    private static void closeQuietly(OrtSession s, OrtSession.SessionOptions options) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (OrtException ignored) {
            // already failing
        } finally {
            options.close();
        }
    }

    @Override
    public void predict(float[] pixels, int batch, float[] out) {
        // A direct buffer is handed to ONNX Runtime without another copy; the tensor over it
        // is closed before this thread can write to it again.
        FloatBuffer buffer = inputs.get();
        if (buffer == null || buffer.capacity() < pixels.length) {
            buffer = ByteBuffer.allocateDirect(pixels.length * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            inputs.set(buffer);
        }
        buffer.clear();
        buffer.put(pixels).flip();
        long[] shape = {batch, height, width, channels};
        try (OnnxTensor input = OnnxTensor.createTensor(env, buffer, shape);
             OrtSession.Result result = session.run(Map.of(inputName, input))) {
            OnnxValue value = result.get(outputName).orElseThrow(
                    () -> new IllegalStateException("ONNX model gave no output " + outputName));
            if (!(value instanceof OnnxTensor tensor)) {
                throw new IllegalStateException("ONNX model output is not a tensor: " + value.getType());
            }
            FloatBuffer probabilities = tensor.getFloatBuffer();
            if (probabilities == null || probabilities.remaining() != out.length) {
                throw new IllegalStateException("ONNX model gave "
                        + (probabilities == null ? "no floats" : probabilities.remaining() + " values")
                        + " for " + batch + " pictures, the manifest says " + out.length);
            }
            probabilities.get(out);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** Closes the session, then its options (which must outlive it). */
    @Override
    public void close() {
        inputs.remove(); // other threads' buffers go with this runner
        try (options) {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
        }
    }
}
