package io.github.modelparity.spark;

import io.github.modelparity.ArtifactException;
import io.github.modelparity.Classifier;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkFiles;

/**
 * One {@link Classifier} per executor JVM and model, loaded the first time a task asks for it
 * and closed when the JVM stops.
 *
 * <p>This is the project's one piece of static mutable state, on purpose. Spark runs many
 * tasks in one executor JVM, one thread each, and deserializes each task's function afresh,
 * so a field of the function would load the model once per task (hundreds of milliseconds
 * and a native session each time). A Classifier is safe to share between threads, so one per
 * JVM is right; the map is keyed by the whole {@link ModelRef} (folder, artifact, sha256), so
 * two jobs with different models in one JVM (local mode, tests) never share a model. Spark has
 * no executor-stop callback for user code: a JVM shutdown hook closes every model, which
 * waits for calls in flight.
 */
final class ExecutorClassifiers {
    private static final Map<ModelRef, Classifier> OPEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorClassifiers::closeAll, "modelparity-java-close"));
    }

    private ExecutorClassifiers() {
    }

    /**
     * This JVM's classifier for the model; the first call loads it (concurrent callers wait
     * for that one load). A failed load is not remembered: the next task tries again.
     *
     * @throws ArtifactException if this machine has no such artifacts folder, or its model's
     *         sha256 is not the one the driver verified
     */
    static Classifier shared(ModelRef model) {
        return OPEN.computeIfAbsent(model, ExecutorClassifiers::load);
    }

    private static Classifier load(ModelRef model) {
        Path folder = locate(model.artifacts());
        Classifier classifier = Classifier.open(folder, model.format());
        String sha256 = classifier.sha256();
        if (!sha256.equalsIgnoreCase(model.sha256())) {
            classifier.close();
            throw new ArtifactException(folder + ": artifact '" + model.format().key() + "' on this executor has sha256 "
                    + abbreviated(sha256) + ", not the driver's " + abbreviated(model.sha256()));
        }
        return classifier;
    }

    /**
     * Where this JVM finds the artifacts folder: the path the driver was given, when it is a
     * folder here (local mode, a shared file system), else the folder of that last name that
     * Spark unpacked beside the executor ({@code spark-submit --archives artifacts.tgz#artifacts}).
     */
    static Path locate(String artifacts) {
        Path given;
        try {
            given = Path.of(artifacts);
        } catch (InvalidPathException e) {
            throw new ArtifactException(artifacts + ": not a valid path for the artifacts folder");
        }
        if (Files.isDirectory(given) || given.getFileName() == null) {
            return given;
        }
        Path shipped;
        try {
            shipped = Path.of(SparkFiles.getRootDirectory()).resolve(given.getFileName());
        } catch (RuntimeException e) {
            return given; // no SparkEnv here: not inside Spark
        }
        if (!Files.isDirectory(shipped)) {
            throw new ArtifactException(artifacts + ": no artifacts folder on this executor (nor "
                    + shipped + "); use a path every executor sees, or ship it with spark-submit --archives");
        }
        return shipped;
    }

    private static String abbreviated(String sha256) {
        return sha256.substring(0, Math.min(12, sha256.length())) + "...";
    }

    /** Closes every model this JVM opened (the shutdown hook; waits for calls in flight). */
    static void closeAll() {
        List<Classifier> open = new ArrayList<>(OPEN.values());
        OPEN.clear();
        for (Classifier c : open) {
            c.close();
        }
    }
}
