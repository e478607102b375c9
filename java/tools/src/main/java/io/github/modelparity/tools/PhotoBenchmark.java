package io.github.modelparity.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classification;
import io.github.modelparity.Classifier;
import io.github.modelparity.PictureException;
import io.github.modelparity.manifest.Manifest;
import io.github.modelparity.preprocess.Preprocessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The photo part of modelparity-java-benchmark: per picture file, preprocessing and
 * file-to-probability times (ONNX Runtime, one thread), and optionally many threads
 * classifying photos at once, whose peak memory the caller reads from the process.
 */
final class PhotoBenchmark {
    private PhotoBenchmark() {
    }

    /** Times each photo {@code reps} times; with threads &gt; 0, then runs them concurrently. */
    static void run(Path artifacts, List<Path> photos, int reps, int threads, int rounds, ObjectNode report)
            throws PictureException, InterruptedException, ExecutionException {
        try (Classifier c = Classifier.open(artifacts, ArtifactFormat.ONNX, 1)) {
            if (threads > 0) {
                report.set("concurrent", concurrent(c, photos, threads, rounds));
                return;
            }
            Preprocessor pre = Preprocessor.of(Manifest.read(artifacts));
            for (int i = 0; i < 3; i++) {
                for (Path p : photos) { // warm-up: the JIT compiles the decoders
                    c.classify(p);
                }
            }
            ObjectNode times = report.putObject("photos");
            for (Path p : photos) {
                ObjectNode one = times.putObject(p.getFileName().toString());
                ArrayNode prepare = one.putArray("java");
                ArrayNode endToEnd = one.putArray("java_end_to_end");
                for (int i = 0; i < reps; i++) {
                    long t0 = System.nanoTime();
                    pre.load(p);
                    long t1 = System.nanoTime();
                    c.classify(p);
                    long t2 = System.nanoTime();
                    prepare.add((t1 - t0) / 1e6);
                    endToEnd.add((t2 - t1) / 1e6);
                }
            }
        }
    }

    /** threads tasks at a time, each classifying one photo, for rounds rounds. */
    private static ObjectNode concurrent(Classifier c, List<Path> photos, int threads, int rounds)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            int n = 0;
            for (int r = 0; r < rounds; r++) {
                List<Future<Classification>> batch = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Path p = photos.get(n++ % photos.size());
                    batch.add(pool.submit(() -> c.classify(p)));
                }
                for (Future<Classification> f : batch) {
                    f.get();
                }
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("threads", threads);
            out.put("photos", n);
            out.put("seconds", (System.nanoTime() - t0) / 1e9);
            return out;
        } finally {
            pool.shutdown();
        }
    }
}
