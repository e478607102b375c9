package io.github.modelparity.tensorflow;

import io.github.modelparity.ArtifactException;
import io.github.modelparity.manifest.Manifest;
import io.github.modelparity.runtime.LoadedModel;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * A SavedModel run by TensorFlow Java's SavedModelBundle, with the manifest's tag and
 * signature (signature.tag, signature.name: serve, serving_default) and its input and output
 * (signature.input, signature.output; the signature's only ones when the manifest names none).
 * The feed and fetch tensors are resolved once, at load, and every call goes straight to the
 * Session runner with them.
 */
final class SavedModel implements LoadedModel {
    private final SavedModelBundle bundle;
    private final Session session;
    private final String feed;
    private final String fetch;
    private final Output<?> feedOutput;
    private final Output<?> fetchOutput;
    private final long height;
    private final long width;
    private final long channels;

    SavedModel(Path folder, Manifest manifest, int threads) {
        this.height = manifest.height();
        this.width = manifest.width();
        this.channels = manifest.channels();
        Manifest.Signature names = manifest.signature();
        ConfigProto config = sessionConfig(threads);
        SavedModelBundle b;
        try {
            b = SavedModelBundle.loader(folder.toString()).withTags(names.tag()).withConfigProto(config).load();
        } catch (RuntimeException | LinkageError e) {
            throw new ArtifactException(folder + ": TensorFlow Java cannot load the SavedModel with tag "
                    + names.tag() + " (" + e.getMessage() + ")", e);
        }
        try {
            Signature signature;
            try {
                signature = b.function(names.name()).signature();
            } catch (IllegalArgumentException e) {
                throw new ArtifactException(folder + ": no signature " + names.name() + " (" + e.getMessage() + ")", e);
            }
            Signature.TensorDescription in = tensor(folder, "input", names.input(), signature.getInputs());
            Signature.TensorDescription out = tensor(folder, "output", names.output(), signature.getOutputs());
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
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** The manifest's input or output of the signature, checked; else the signature's only one. */
    private static Signature.TensorDescription tensor(Path folder, String what, String named,
                                                      Map<String, Signature.TensorDescription> found) {
        if (named != null) {
            Signature.TensorDescription t = found.get(named);
            if (t == null) {
                throw new ArtifactException(folder + ": the manifest names signature " + what + " '"
                        + named + "', the SavedModel has " + found.keySet());
            }
            return t;
        }
        if (found.size() != 1) {
            throw new ArtifactException(folder + ": the signature should have one " + what + ", has "
                    + found.keySet());
        }
        return found.values().iterator().next();
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
            if (!(t instanceof TFloat32) || t.shape().size() != out.length) {
                throw new IllegalStateException("SavedModel gave " + t.shape() + " " + t.dataType()
                        + " for " + batch + " pictures, the manifest says " + out.length + " values");
            }
            ((TFloat32) t).copyTo(DataBuffers.of(out, false, false));
        }
    }

    @Override
    public void close() {
        bundle.close();
    }
}
