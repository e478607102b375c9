package selfie.classify;

import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Output;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * A SavedModel run by TensorFlow Java's SavedModelBundle (tag serve, signature
 * serving_default). The feed and fetch tensor names are read from the signature once,
 * at load, and every call goes straight to the Session runner with them.
 */
final class SavedModelRunner implements ModelRunner {
    static final String TAG = "serve";
    static final String SIGNATURE = "serving_default";

    private final SavedModelBundle bundle;
    private final Session session;
    private final String feed;
    private final String fetch;
    private final Output<?> feedOutput;
    private final Output<?> fetchOutput;
    private final long height;
    private final long width;
    private final long channels;

    SavedModelRunner(Path folder, Manifest manifest, int threads) {
        this.height = manifest.height();
        this.width = manifest.width();
        this.channels = manifest.channels();
        ConfigProto config = sessionConfig(threads);
        SavedModelBundle b;
        try {
            b = SavedModelBundle.loader(folder.toString()).withTags(TAG).withConfigProto(config).load();
        } catch (RuntimeException | LinkageError e) {
            throw new ArtifactException(folder + ": TensorFlow Java cannot load the SavedModel ("
                    + e.getMessage() + ")", e);
        }
        try {
            SessionFunction function = b.function(SIGNATURE);
            Signature signature = function.signature();
            if (signature.getInputs().size() != 1 || signature.getOutputs().size() != 1) {
                throw new ArtifactException(folder + ": signature " + SIGNATURE
                        + " should have one input and one output, has " + signature.inputNames()
                        + " -> " + signature.outputNames());
            }
            Signature.TensorDescription in = signature.getInputs().values().iterator().next();
            Signature.TensorDescription out = signature.getOutputs().values().iterator().next();
            long[] dims = in.shape.asArray();
            if (dims.length != 4 || dims[1] != height || dims[2] != width || dims[3] != channels) {
                throw new ArtifactException(folder + ": signature input has shape " + in.shape
                        + ", the manifest says [batch, " + height + ", " + width + ", " + channels + "]");
            }
            this.feed = in.name;
            this.fetch = out.name;
            // Resolved once: a name given to feed/fetch is parsed and looked up on every call.
            this.feedOutput = b.graph().outputOrThrow(in.name);
            this.fetchOutput = b.graph().outputOrThrow(out.name);
            this.session = b.session();
            this.bundle = b;
        } catch (IllegalArgumentException e) {
            b.close();
            throw new ArtifactException(folder + ": no signature " + SIGNATURE + " (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** Session settings: {@code threads} intra-op threads; ops run in the calling thread. */
    static ConfigProto sessionConfig(int threads) {
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(-1) // negative: run ops in the calling thread
                .build();
    }

    /** The signature's input tensor name (operation:index), for tests and diagnostics. */
    Map<String, String> tensorNames() {
        return Map.of("feed", feed, "fetch", fetch);
    }

    @Override
    public void predict(float[] pixels, int batch, float[] out) {
        Shape shape = Shape.of(batch, height, width, channels);
        try (TFloat32 input = TFloat32.tensorOf(shape, DataBuffers.of(pixels, true, false));
             Result result = session.runner().feed(feedOutput, input).fetch(fetchOutput).run()) {
            Tensor t = result.get(0);
            if (!(t instanceof TFloat32) || t.shape().size() != batch) {
                throw new IllegalStateException("SavedModel gave " + t.shape() + " " + t.dataType()
                        + " for " + batch + " pictures");
            }
            ((TFloat32) t).copyTo(DataBuffers.of(out, false, false).narrow(batch));
        }
    }

    @Override
    public void close() {
        bundle.close();
    }
}
