package io.github.modelparity.runtime;

import io.github.modelparity.ArtifactException;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.manifest.Manifest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * The runtimes on the class path ({@link ModelRuntime}, by ServiceLoader) and the one way a
 * model is loaded: its sha256 checked against the manifest, then the runtime's load on a
 * thread with a large stack.
 */
public final class Runtimes {
    /**
     * Where the runtime of an artifact this library does not run itself is published: the
     * dependency a user adds. One place, so the error and the documentation agree.
     */
    private static final Map<String, String> MODULES = Map.of(
            ArtifactFormat.SAVEDMODEL.key(), "io.github.modelparity:modelparity-tensorflow");

    /** Stack for loading a model: ONNX Runtime's session creation needs more than 512 KB. */
    static final long LOAD_STACK_BYTES = 16L << 20;

    private Runtimes() {
    }

    /**
     * @return every runtime on the class path by the artifact names it runs (the first one found
     *         for a name wins), in no promised order
     */
    public static Map<String, ModelRuntime> byArtifact() {
        Map<String, ModelRuntime> found = new LinkedHashMap<>();
        // The runtime modules beside this library first; then the thread's context loader's
        // (an application server, Spark's executor class loader).
        for (ClassLoader loader : List.of(Runtimes.class.getClassLoader(), contextLoader())) {
            for (ModelRuntime runtime : ServiceLoader.load(ModelRuntime.class, loader)) {
                for (String artifact : runtime.artifacts()) {
                    found.putIfAbsent(artifact, runtime);
                }
            }
        }
        return found;
    }

    /**
     * @return the artifact names some runtime on the class path runs, sorted
     */
    public static Set<String> artifacts() {
        return new TreeSet<>(byArtifact().keySet());
    }

    private static ClassLoader contextLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ClassLoader.getSystemClassLoader();
    }

    /**
     * Loads the manifest's artifact of the given format after checking its sha256.
     *
     * @param manifest the artifacts folder's manifest
     * @param format the artifact to load
     * @param threads the runtime's intra-op threads (at least 1)
     * @return the loaded model, which the caller closes
     * @throws ArtifactException if the artifact is missing or altered, no runtime on the class
     *         path runs it (the message names the dependency to add), or the runtime cannot load it
     */
    public static LoadedModel load(Manifest manifest, ArtifactFormat format, int threads) {
        ModelRuntime runtime = byArtifact().get(format.key());
        if (runtime == null) {
            String module = MODULES.get(format.key());
            throw new ArtifactException("artifact '" + format.key() + "' needs a runtime that is not on the class path"
                    + (module == null ? " (the runtimes here run " + String.join(", ", artifacts()) + ")"
                    : ": add the dependency " + module + ":" + version()));
        }
        Path path = manifest.checkedArtifact(format);
        return onLargeStack(() -> runtime.load(path, manifest, threads));
    }

    /** This library's version, from its jar; the coordinates' placeholder when run from classes. */
    private static String version() {
        String v = Runtimes.class.getPackage().getImplementationVersion();
        return v != null ? v : "<version of modelparity>";
    }

    /**
     * Runs a model load on a thread of its own with a {@value #LOAD_STACK_BYTES}-byte stack.
     * ONNX Runtime optimises the graph while creating a session, in native code that uses
     * more stack than a default Java thread is sure to have: on the launcher's main thread
     * (1 MB) it overflowed and the JVM died with SIGSEGV. Calls after the load need little.
     * An interrupt does not abandon the load (its native handle would leak): it is kept for
     * the caller once the load is over.
     */
    private static LoadedModel onLargeStack(Callable<LoadedModel> load) {
        ThreadFactory largeStack = task -> new Thread(null, task, "modelparity-java-load", LOAD_STACK_BYTES);
        ExecutorService loader = Executors.newSingleThreadExecutor(largeStack);
        boolean interrupted = false;
        try {
            Future<LoadedModel> loaded = loader.submit(load);
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
}
