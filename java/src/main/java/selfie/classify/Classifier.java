package selfie.classify;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Classifies pictures with an artifacts folder written by {@code python -m python.export}.
 *
 * <p>Reads manifest.json (input size, preprocessing version, labels, threshold), checks
 * the chosen artifact's sha256 against it, then loads it: the SavedModel with TensorFlow
 * Java, the ONNX models with ONNX Runtime. Safe to share between threads; {@link #close()}
 * waits for calls in flight and frees the native model.
 *
 * <pre>{@code
 * try (Classifier c = Classifier.open(Path.of("artifacts"), ArtifactFormat.ONNX)) {
 *     Classification r = c.classify(Path.of("me.jpg"));
 *     System.out.println(r.label() + " " + r.probability());
 * }
 * }</pre>
 */
public final class Classifier implements AutoCloseable {
    /** Pictures per model call in {@link #classifyAll(List)}. */
    public static final int BATCH = 64;

    private final Manifest manifest;
    private final ArtifactFormat format;
    private final Preprocessor preprocessor;
    private final ModelRunner runner;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private Classifier(Manifest manifest, ArtifactFormat format, ModelRunner runner) {
        this.manifest = manifest;
        this.format = format;
        this.preprocessor = Preprocessor.of(manifest);
        this.runner = runner;
    }

    /** The float ONNX model of an artifacts folder. */
    public static Classifier open(Path artifacts) {
        return open(artifacts, ArtifactFormat.ONNX);
    }

    /** The given artifact of an artifacts folder, one intra-op thread (best for single pictures). */
    public static Classifier open(Path artifacts, ArtifactFormat format) {
        return open(artifacts, format, 1);
    }

    /**
     * The given artifact, its runtime using up to {@code threads} threads inside one call.
     *
     * @throws ArtifactException if the manifest or the artifact is missing, altered or unloadable
     */
    public static Classifier open(Path artifacts, ArtifactFormat format, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        Manifest manifest = Manifest.read(artifacts);
        Path path = manifest.checkedArtifact(format);
        ModelRunner runner = onLargeStack(() -> format == ArtifactFormat.SAVEDMODEL
                ? new SavedModelRunner(path, manifest, threads)
                : new OnnxRunner(path, manifest, threads));
        return new Classifier(manifest, format, runner);
    }

    /** Stack for loading a model: ONNX Runtime's session creation needs more than 512 KB. */
    static final long LOAD_STACK_BYTES = 16L << 20;

    /**
     * Runs a model load on a thread of its own with a {@value #LOAD_STACK_BYTES}-byte stack.
     * ONNX Runtime optimises the graph while creating a session, in native code that uses
     * more stack than a default Java thread is sure to have: on the launcher's main thread
     * (1 MB) it overflowed and the JVM died with SIGSEGV. Calls after the load need little.
     */
    private static ModelRunner onLargeStack(java.util.function.Supplier<ModelRunner> load) {
        ModelRunner[] loaded = new ModelRunner[1];
        Throwable[] failed = new Throwable[1];
        Thread loader = new Thread(null, () -> {
            try {
                loaded[0] = load.get();
            } catch (RuntimeException | Error e) {
                failed[0] = e;
            }
        }, "selfie-classify-load", LOAD_STACK_BYTES);
        loader.start();
        boolean interrupted = false;
        while (true) {
            try {
                loader.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the load cannot be abandoned half way: its native handle would leak
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed[0] instanceof RuntimeException) {
            throw (RuntimeException) failed[0];
        }
        if (failed[0] != null) {
            throw (Error) failed[0];
        }
        return loaded[0];
    }

    public Manifest manifest() {
        return manifest;
    }

    public ArtifactFormat format() {
        return format;
    }

    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /** [negative, positive] from the manifest. */
    public List<String> labels() {
        return manifest.labels();
    }

    /** Classifies one picture file. */
    public Classification classify(Path picture) throws PictureException {
        float[] input = preprocessor.load(picture);
        return result(picture.toString(), predict(input, 1)[0]);
    }

    /** Classifies an in-memory image (taken as upright; read from its raster's samples). */
    public Classification classify(BufferedImage image) {
        return result(null, predict(preprocessor.fromImage(image), 1)[0]);
    }

    /**
     * Classifies picture files in order, {@value #BATCH} to a model call.
     *
     * @throws PictureException for the first picture that cannot be read (none is classified)
     */
    public List<Classification> classifyAll(List<Path> pictures) throws PictureException {
        List<float[]> inputs = new ArrayList<>(pictures.size());
        for (Path p : pictures) {
            inputs.add(preprocessor.load(p));
        }
        List<String> names = new ArrayList<>(pictures.size());
        for (Path p : pictures) {
            names.add(p.toString());
        }
        return classifyInputs(names, inputs);
    }

    /** Classifies preprocessed inputs (one float[height * width] each) under the given names. */
    public List<Classification> classifyInputs(List<String> names, List<float[]> inputs) {
        if (names.size() != inputs.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + inputs.size() + " inputs");
        }
        int size = manifest.pictureSize();
        List<Classification> out = new ArrayList<>(inputs.size());
        for (int start = 0; start < inputs.size(); start += BATCH) {
            int n = Math.min(BATCH, inputs.size() - start);
            float[] pixels = new float[n * size];
            for (int i = 0; i < n; i++) {
                float[] one = inputs.get(start + i);
                if (one.length != size) {
                    throw new IllegalArgumentException("input " + (start + i) + " has " + one.length
                            + " floats, expected " + size);
                }
                System.arraycopy(one, 0, pixels, i * size, size);
            }
            float[] p = predict(pixels, n);
            for (int i = 0; i < n; i++) {
                out.add(result(names.get(start + i), p[i]));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The model's raw output for preprocessed pictures: {@code pixels} holds {@code batch}
     * pictures of height * width * channels floats, row-major ([batch, H, W, C]).
     *
     * @throws IllegalArgumentException if pixels.length is not batch times the picture size
     * @throws IllegalStateException if this classifier is closed
     */
    public float[] predict(float[] pixels, int batch) {
        int size = manifest.pictureSize();
        if (pixels == null || batch < 1 || pixels.length != (long) batch * size) {
            throw new IllegalArgumentException("expected " + batch + " x " + manifest.height() + " x "
                    + manifest.width() + " x " + manifest.channels() + " = " + ((long) batch * size)
                    + " floats, got " + (pixels == null ? "null" : pixels.length)
                    + (batch < 1 ? " (batch must be at least 1)" : ""));
        }
        float[] out = new float[batch];
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("this Classifier is closed");
            }
            runner.predict(pixels, batch, out);
        } finally {
            lock.readLock().unlock();
        }
        return out;
    }

    private Classification result(String path, float probability) {
        return new Classification(path, manifest.labelFor(probability), probability);
    }

    /** Frees the native model after calls in flight finish. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                runner.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
