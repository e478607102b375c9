package selfie.classify;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/** An ONNX model run by ONNX Runtime; input and output names read from the model. */
final class OnnxRunner implements ModelRunner {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final long height;
    private final long width;
    private final long channels;
    /**
     * Each calling thread's input buffer, grown to the largest batch it has sent. A direct
     * buffer allocated per call cost about 0.005 ms at batch 1 and, at batch 64, pressure on
     * the JVM's direct memory that halved throughput within a few thousand calls.
     */
    private final ThreadLocal<FloatBuffer> inputs = new ThreadLocal<>();

    OnnxRunner(Path model, Manifest manifest, int threads) {
        this.env = OrtEnvironment.getEnvironment();
        this.height = manifest.height();
        this.width = manifest.width();
        this.channels = manifest.channels();
        OrtSession s = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            s = env.createSession(model.toString(), options);
            if (s.getNumInputs() != 1 || s.getNumOutputs() != 1) {
                throw new ArtifactException(model + ": expected one input and one output, found "
                        + s.getInputNames() + " -> " + s.getOutputNames());
            }
            Map.Entry<String, NodeInfo> in = s.getInputInfo().entrySet().iterator().next();
            if (in.getValue().getInfo() instanceof TensorInfo) {
                long[] shape = ((TensorInfo) in.getValue().getInfo()).getShape();
                if (shape.length != 4 || shape[1] != height || shape[2] != width || shape[3] != channels) {
                    throw new ArtifactException(model + ": input " + in.getKey() + " has shape "
                            + java.util.Arrays.toString(shape) + ", the manifest says [batch, "
                            + height + ", " + width + ", " + channels + "]");
                }
            }
            this.inputName = in.getKey();
            this.session = s;
        } catch (OrtException e) {
            closeQuietly(s);
            throw new ArtifactException(model + ": ONNX Runtime cannot load it (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // already failing
            }
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
             OrtSession.Result result = session.run(Collections.singletonMap(inputName, input))) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor)) {
                throw new IllegalStateException("ONNX model output is not a tensor: " + value.getType());
            }
            FloatBuffer probabilities = ((OnnxTensor) value).getFloatBuffer();
            if (probabilities == null || probabilities.remaining() != batch) {
                throw new IllegalStateException("ONNX model gave "
                        + (probabilities == null ? "no floats" : probabilities.remaining() + " values")
                        + " for " + batch + " pictures");
            }
            probabilities.get(out, 0, batch);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        inputs.remove(); // other threads' buffers go with this runner
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
        }
    }
}
