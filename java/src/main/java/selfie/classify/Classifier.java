package selfie.classify;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
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
     * An interrupt does not abandon the load (its native handle would leak): it is kept for
     * the caller once the load is over.
     */
    private static ModelRunner onLargeStack(Callable<ModelRunner> load) {
        ThreadFactory largeStack = task -> new Thread(null, task, "selfie-classify-load", LOAD_STACK_BYTES);
        ExecutorService loader = Executors.newSingleThreadExecutor(largeStack);
        boolean interrupted = false;
        try {
            Future<ModelRunner> loaded = loader.submit(load);
            while (true) {
                try {
                    return loaded.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException("loading the model failed: " + cause, cause);
                }
            }
        } finally {
            loader.shutdown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
     * @return one classification a picture, in the order given
     * @throws PictureException for the first picture that cannot be read (none is returned)
     */
    public List<Classification> classifyAll(List<Path> pictures) throws PictureException {
        List<float[]> inputs = new ArrayList<>(pictures.size());
        List<String> names = new ArrayList<>(pictures.size());
        for (Path p : pictures) {
            inputs.add(preprocessor.load(p));
            names.add(p.toString());
        }
        return run(names, inputs);
    }

    /**
     * Classifies picture files in order, {@value #BATCH} to a model call, going on past
     * pictures that cannot be read: each of those is handed to {@code unreadable} (its
     * message names the file) and left out.
     *
     * @return the classifications of the readable pictures, in the order given
     */
    public List<Classification> classify(List<Path> pictures, Consumer<? super PictureException> unreadable) {
        List<Classification> out = new ArrayList<>(pictures.size());
        for (int start = 0; start < pictures.size(); start += BATCH) {
            List<float[]> inputs = new ArrayList<>(BATCH);
            List<String> names = new ArrayList<>(BATCH);
            for (Path p : pictures.subList(start, Math.min(pictures.size(), start + BATCH))) {
                try {
                    inputs.add(preprocessor.load(p));
                    names.add(p.toString());
                } catch (PictureException e) {
                    unreadable.accept(e);
                }
            }
            out.addAll(run(names, inputs));
        }
        return Collections.unmodifiableList(out);
    }

    /** Preprocessed inputs (one float[height * width] each) under their names, BATCH to a call. */
    private List<Classification> run(List<String> names, List<float[]> inputs) {
        int size = manifest.pictureSize();
        List<Classification> out = new ArrayList<>(inputs.size());
        for (int start = 0; start < inputs.size(); start += BATCH) {
            int n = Math.min(BATCH, inputs.size() - start);
            float[] pixels = new float[n * size];
            for (int i = 0; i < n; i++) {
                System.arraycopy(inputs.get(start + i), 0, pixels, i * size, size);
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
