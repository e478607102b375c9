package io.github.modelparity;

import io.github.modelparity.manifest.Manifest;
import io.github.modelparity.preprocess.Preprocessor;
import io.github.modelparity.runtime.LoadedModel;
import io.github.modelparity.runtime.Runtimes;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Classifies pictures with an artifacts folder written by {@code python -m python.export}.
 *
 * <p>Reads manifest.json (input size and channels, preprocessing, labels, output units and,
 * for one sigmoid unit, the threshold), checks
 * the chosen artifact's sha256 against it, then loads it with the runtime found for it on the
 * class path: the ONNX models with ONNX Runtime (this library), the SavedModel with TensorFlow
 * Java (the {@code io.github.modelparity:modelparity-tensorflow} module). Safe to share
 * between threads; {@link #close()} waits for calls in flight and frees the native model.
 *
 * <pre>{@code
 * try (Classifier c = Classifier.open(Path.of("artifacts"), ArtifactFormat.ONNX)) {
 *     Classification r = c.classify(Path.of("me.jpg"));
 *     System.out.println(r.label() + " " + r.probability());
 * }
 * }</pre>
 */
public final class Classifier implements AutoCloseable {
    /**
     * Pictures per model call at most, in the calls that take many ({@link #classifyAll(List)}
     * and the others): fewer where the model's input is large, so that a call's input stays
     * within {@value #CALL_FLOATS} floats ({@link #picturesPerCall()}).
     */
    public static final int BATCH = 64;
    /**
     * The input floats of one model call at most (512 KB): 64 pictures of a 40 x 40 grey input,
     * 2 of a 128 x 128 RGB one, 1 of anything from 148 x 148 RGB up (224 x 224 among them). A
     * runtime holds every layer's activations for every picture of a call: MobileNetV2 at 224
     * x 224 RGB under ONNX Runtime (one intra-op thread) took 208 MB more resident memory for
     * 24 pictures a call than for one, 26 to 30 MB for 3 and 9 to 10 MB for 1, and it was no
     * faster a picture in a larger call (3.9 ms at 24, 2.5 to 2.6 at 3, 2.4 at 1: the call's
     * activations leave the cache). The CLI over 24 camera photos peaked near 480 MB resident
     * with them all in one call.
     */
    static final int CALL_FLOATS = 1 << 17;

    private final Manifest manifest;
    private final ArtifactFormat format;
    private final Preprocessor preprocessor;
    private final LoadedModel runner;
    /** Pictures a model call takes: {@link #picturesPerCall()}. */
    private final int perCall;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private Classifier(Manifest manifest, ArtifactFormat format, LoadedModel runner) {
        this.manifest = manifest;
        this.format = format;
        this.preprocessor = Preprocessor.of(manifest);
        this.runner = runner;
        this.perCall = picturesPerCall(manifest.pictureSize());
    }

    /** Pictures of {@code size} floats a model call takes: within {@link #CALL_FLOATS}, 1 to {@link #BATCH}. */
    static int picturesPerCall(int size) {
        return (int) Math.max(1, Math.min(BATCH, CALL_FLOATS / Math.max(1, size)));
    }

    /**
     * @return the pictures one model call takes in the calls that take many: {@value #BATCH},
     *         or fewer for a large input (at most {@value #CALL_FLOATS} input floats a call).
     *         A call's memory grows with its pictures; its results do not change (ONNX
     *         Runtime gave MobileNetV2 the same floats at 1, 3, 8 and 24 pictures a call)
     */
    public int picturesPerCall() {
        return perCall;
    }

    /**
     * The float ONNX model of an artifacts folder, one intra-op thread.
     *
     * @param artifacts the folder python -m python.export wrote
     * @return the loaded classifier, which the caller closes
     * @throws ArtifactException if the manifest or the artifact is missing, altered or unloadable
     */
    public static Classifier open(Path artifacts) {
        return open(artifacts, ArtifactFormat.ONNX);
    }

    /**
     * The given artifact of an artifacts folder, one intra-op thread (best for single pictures).
     *
     * @param artifacts the folder python -m python.export wrote
     * @param format the artifact to run
     * @return the loaded classifier, which the caller closes
     * @throws ArtifactException if the manifest or the artifact is missing, altered or unloadable,
     *         or no runtime on the class path runs it (the message names the dependency to add)
     */
    public static Classifier open(Path artifacts, ArtifactFormat format) {
        return open(artifacts, format, 1);
    }

    /**
     * The given artifact, its runtime using up to {@code threads} threads inside one call.
     *
     * @param artifacts the folder python -m python.export wrote
     * @param format the artifact to run
     * @param threads the runtime's intra-op threads, at least 1
     * @return the loaded classifier, which the caller closes
     * @throws ArtifactException if the manifest or the artifact is missing, altered or unloadable,
     *         or no runtime on the class path runs it (the message names the dependency to add)
     * @throws IllegalArgumentException if threads is less than 1
     */
    public static Classifier open(Path artifacts, ArtifactFormat format, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        Manifest manifest = Manifest.read(artifacts);
        return new Classifier(manifest, format, Runtimes.load(manifest, format, threads));
    }

    /** The manifest this classifier was opened with (for the library's tests). */
    Manifest manifest() {
        return manifest;
    }

    /**
     * @return the artifact this classifier runs
     */
    public ArtifactFormat format() {
        return format;
    }

    /**
     * @return the labels in the model's output order, from the manifest ([negative, positive]
     *         for a one-unit model)
     */
    public List<String> labels() {
        return manifest.labels();
    }

    /**
     * @return the sha256 of the artifact this classifier runs, as the manifest lists it and as
     *         it was checked before loading (lowercase hex)
     */
    public String sha256() {
        return manifest.artifacts().get(format.key()).sha256();
    }

    /**
     * Classifies one picture file.
     *
     * @param picture the picture file
     * @return its classification, with the path as given
     * @throws PictureException if the file cannot be read as a picture (the message names it)
     * @throws IllegalStateException if this classifier is closed
     */
    public Classification classify(Path picture) throws PictureException {
        float[] input = preprocessor.load(picture);
        return Outputs.classification(manifest, picture.toString(), predict(input, 1), 0);
    }

    /**
     * Classifies a picture's bytes read elsewhere (a distributed file system, a request body):
     * the same result as {@link #classify(Path)} gives for a file holding those bytes.
     *
     * @param name names the picture in the result and in errors
     * @param bytes the picture file's bytes
     * @return its classification, with name as its path
     * @throws PictureException if the bytes cannot be read as a picture (the message starts with name)
     * @throws IllegalStateException if this classifier is closed
     */
    public Classification classify(String name, byte[] bytes) throws PictureException {
        return Outputs.classification(manifest, name, predict(preprocessor.load(name, bytes), 1), 0);
    }

    /**
     * Prepares a picture's bytes as the model's input, without running the model: the first
     * half of {@link #classify(String, byte[])}, for callers that read and prepare pictures in
     * one place and classify them in batches in another ({@link #classifyPrepared(List)}).
     *
     * @param name names the picture in the result and in errors
     * @param bytes the picture file's bytes
     * @return the prepared picture
     * @throws PictureException if the bytes cannot be read as a picture (the message starts with name)
     */
    public PreparedPicture prepare(String name, byte[] bytes) throws PictureException {
        return new PreparedPicture(name, preprocessor.load(name, bytes));
    }

    /**
     * Classifies prepared pictures in order, {@link #picturesPerCall()} to a model call.
     *
     * @param pictures pictures this classifier (or one opened on the same manifest) prepared
     * @return one classification a picture, in the order given
     * @throws IllegalArgumentException if a picture was prepared for another input size
     * @throws IllegalStateException if this classifier is closed
     */
    public List<Classification> classifyPrepared(List<PreparedPicture> pictures) {
        List<String> names = new ArrayList<>(pictures.size());
        List<float[]> inputs = new ArrayList<>(pictures.size());
        for (PreparedPicture p : pictures) {
            names.add(p.name());
            inputs.add(p.input());
        }
        return run(names, inputs);
    }

    /**
     * Classifies pictures already prepared as the model's input elsewhere (an HTTP client that
     * sends tensors, KServe's V2 protocol): {@code batch} pictures of height * width * channels
     * floats, row-major ([batch, H, W, C]), {@link #picturesPerCall()} to a model call.
     *
     * @param inputs the prepared pictures, one after another
     * @param batch how many pictures inputs holds, at least 1
     * @return one classification a picture, in order, each with a null path
     * @throws IllegalArgumentException if inputs.length is not batch times the picture size
     * @throws IllegalStateException if this classifier is closed
     */
    public List<Classification> classifyPrepared(float[] inputs, int batch) {
        int size = manifest.pictureSize();
        if (inputs == null || batch < 1 || inputs.length != (long) batch * size) {
            predict(inputs, batch); // throws, saying what was expected
        }
        List<Classification> out = new ArrayList<>(batch);
        for (int start = 0; start < batch; start += perCall) {
            int n = Math.min(perCall, batch - start);
            float[] part = Arrays.copyOfRange(inputs, start * size, (start + n) * size);
            float[] p = predict(part, n);
            for (int i = 0; i < n; i++) {
                out.add(Outputs.classification(manifest, null, p, i));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Classifies an in-memory image (taken as upright; read from its raster's samples).
     *
     * @param image a decoded picture
     * @return its classification, with a null path
     * @throws IllegalArgumentException if the model's preprocessing cannot take the image
     *         (smaller than its centre crop; the message says why)
     * @throws IllegalStateException if this classifier is closed
     */
    public Classification classify(BufferedImage image) {
        return Outputs.classification(manifest, null, predict(preprocessor.fromImage(image), 1), 0);
    }

    /**
     * Classifies picture files in order, {@link #picturesPerCall()} to a model call, each
     * call's pictures prepared just before it.
     *
     * @param pictures picture files
     * @return one classification a picture, in the order given
     * @throws PictureException for the first picture that cannot be read (none is returned)
     * @throws IllegalStateException if this classifier is closed
     */
    public List<Classification> classifyAll(List<Path> pictures) throws PictureException {
        List<Classification> out = new ArrayList<>(pictures.size());
        for (int start = 0; start < pictures.size(); start += perCall) {
            List<float[]> inputs = new ArrayList<>(perCall);
            List<String> names = new ArrayList<>(perCall);
            for (Path p : pictures.subList(start, Math.min(pictures.size(), start + perCall))) {
                inputs.add(preprocessor.load(p));
                names.add(p.toString());
            }
            out.addAll(run(names, inputs));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Classifies picture files in order, {@link #picturesPerCall()} to a model call (each
     * call's pictures prepared just before it), going on past pictures that cannot be read:
     * each of those is handed to {@code unreadable} (its message names the file) and left out.
     *
     * @param pictures picture files
     * @param unreadable receives each picture that cannot be read
     * @return the classifications of the readable pictures, in the order given
     * @throws IllegalStateException if this classifier is closed
     */
    public List<Classification> classify(List<Path> pictures, Consumer<? super PictureException> unreadable) {
        List<Classification> out = new ArrayList<>(pictures.size());
        for (int start = 0; start < pictures.size(); start += perCall) {
            List<float[]> inputs = new ArrayList<>(perCall);
            List<String> names = new ArrayList<>(perCall);
            for (Path p : pictures.subList(start, Math.min(pictures.size(), start + perCall))) {
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

    /** Preprocessed inputs (one float[height * width * channels] each) under their names, perCall to a call. */
    private List<Classification> run(List<String> names, List<float[]> inputs) {
        int size = manifest.pictureSize();
        List<Classification> out = new ArrayList<>(inputs.size());
        for (int start = 0; start < inputs.size(); start += perCall) {
            int n = Math.min(perCall, inputs.size() - start);
            float[] pixels = new float[n * size];
            for (int i = 0; i < n; i++) {
                float[] input = inputs.get(start + i);
                if (input.length != size) {
                    throw new IllegalArgumentException(names.get(start + i) + ": prepared for an input of "
                            + input.length + " floats, this model takes " + size);
                }
                System.arraycopy(input, 0, pixels, i * size, size);
            }
            float[] p = predict(pixels, n);
            for (int i = 0; i < n; i++) {
                out.add(Outputs.classification(manifest, names.get(start + i), p, i));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The model's raw output for preprocessed pictures, [batch, classes] row-major:
     * {@code pixels} holds {@code batch} pictures of height * width * channels floats,
     * row-major ([batch, H, W, C]).
     *
     * @throws IllegalArgumentException if pixels.length is not batch times the picture size
     * @throws IllegalStateException if this classifier is closed
     */
    float[] predict(float[] pixels, int batch) {
        int size = manifest.pictureSize();
        if (pixels == null || batch < 1 || pixels.length != (long) batch * size) {
            throw new IllegalArgumentException("expected " + batch + " x " + manifest.height() + " x "
                    + manifest.width() + " x " + manifest.channels() + " = " + ((long) batch * size)
                    + " floats, got " + (pixels == null ? "null" : pixels.length)
                    + (batch < 1 ? " (batch must be at least 1)" : ""));
        }
        float[] out = new float[batch * manifest.classes()];
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

    /** Frees the native model after calls in flight finish. Idempotent; calls after it throw IllegalStateException. */
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
