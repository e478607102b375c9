package selfie.classify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Prints JSON timings: per runtime (savedmodel, onnx, onnx_int8) the load time, one
 * picture's latency p50/p99 after warm-up (preprocessing apart), batch-64 throughput,
 * plus Java preprocessing cost per picture and, with savedmodel, TensorFlow Java's own
 * per-call cost on a graph of one Identity op ({@link SessionFloor}).
 *
 * <p>usage: selfie-classify-benchmark [--artifacts DIR] [--pictures DIR] [--iterations N] [--threads T]
 * [--formats savedmodel,onnx,onnx_int8] (one format a JVM gives each runtime its own peak memory)
 */
public final class Benchmark {
    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path artifacts = Paths.get("artifacts");
        Path pictures = null;
        int iterations = 5000;
        int threads = 1;
        List<ArtifactFormat> formats = Arrays.asList(ArtifactFormat.values());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--artifacts": artifacts = Paths.get(args[++i]); break;
                case "--pictures": pictures = Paths.get(args[++i]); break;
                case "--iterations": iterations = Integer.parseInt(args[++i]); break;
                case "--threads": threads = Integer.parseInt(args[++i]); break;
                case "--formats":
                    formats = Arrays.stream(args[++i].split(",")).map(ArtifactFormat::of)
                            .collect(Collectors.toList());
                    break;
                case "-h":
                case "--help":
                    System.out.println("usage: selfie-classify-benchmark [--artifacts DIR] [--pictures DIR]"
                            + " [--iterations N] [--threads T] [--formats savedmodel,onnx,onnx_int8]\n"
                            + "Prints JSON timings per runtime.");
                    return;
                default:
                    System.err.println("selfie-classify-benchmark: error: unknown argument " + args[i]);
                    System.exit(2);
            }
        }
        Manifest manifest;
        try {
            manifest = Manifest.read(artifacts);
        } catch (ArtifactException e) {
            System.err.println("selfie-classify-benchmark: error: " + e.getMessage());
            System.exit(2);
            return;
        }
        int size = manifest.pictureSize();
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"java\": ").append(Json.quote(System.getProperty("java.version"))).append(",\n");
        json.append("  \"cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        json.append("  \"intra_op_threads\": ").append(threads).append(",\n");

        // Preprocessing: files decoded, EXIF read, grey, resize, scale.
        List<Path> files = new ArrayList<>();
        if (pictures != null) {
            try (Stream<Path> w = Files.walk(pictures)) {
                files = w.filter(Files::isRegularFile).sorted().limit(2000).collect(Collectors.toList());
            }
        }
        float[] sample = new float[size];
        Arrays.fill(sample, 0.5f);
        if (!files.isEmpty()) {
            Preprocessor pre = Preprocessor.of(manifest);
            List<float[]> loaded = new ArrayList<>();
            for (Path f : files.subList(0, Math.min(200, files.size()))) {
                try {
                    loaded.add(pre.load(f)); // warm-up
                } catch (PictureException e) {
                    // skipped
                }
            }
            long t0 = System.nanoTime();
            int ok = 0;
            for (Path f : files) {
                try {
                    pre.load(f);
                    ok++;
                } catch (PictureException e) {
                    // skipped
                }
            }
            double perPicture = (System.nanoTime() - t0) / 1e3 / Math.max(ok, 1);
            if (!loaded.isEmpty()) {
                sample = loaded.get(0);
            }
            json.append(String.format(Locale.ROOT, "  \"preprocessing\": {\"pictures\": %d, \"us_per_picture\": %.1f},%n",
                    ok, perPicture));
        }

        json.append("  \"runtimes\": {");
        boolean first = true;
        for (ArtifactFormat format : formats) {
            if (!manifest.artifacts().containsKey(format.key())) {
                continue;
            }
            long t0 = System.nanoTime();
            try (Classifier c = Classifier.open(artifacts, format, threads)) {
                double loadMs = (System.nanoTime() - t0) / 1e6;
                for (int i = 0; i < Math.max(200, iterations / 2); i++) {
                    c.predict(sample, 1);
                }
                long[] t = new long[iterations];
                for (int i = 0; i < iterations; i++) {
                    long s = System.nanoTime();
                    c.predict(sample, 1);
                    t[i] = System.nanoTime() - s;
                }
                Arrays.sort(t);
                float[] batch = new float[64 * size];
                for (int i = 0; i < 64; i++) {
                    System.arraycopy(sample, 0, batch, i * size, size);
                }
                for (int i = 0; i < 20; i++) {
                    c.predict(batch, 64);
                }
                int rounds = Math.max(20, iterations / 50);
                long b0 = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    c.predict(batch, 64);
                }
                double seconds = (System.nanoTime() - b0) / 1e9;
                json.append(first ? "\n" : ",\n");
                first = false;
                json.append(String.format(Locale.ROOT,
                        "    %s: {\"load_ms\": %.1f, \"p50_ms\": %.4f, \"p99_ms\": %.4f, \"batch64_pictures_per_s\": %.0f}",
                        Json.quote(format.key()), loadMs, t[iterations / 2] / 1e6,
                        t[Math.min(iterations - 1, (int) (iterations * 0.99))] / 1e6, rounds * 64 / seconds));
            } catch (ArtifactException e) {
                System.err.println("selfie-classify-benchmark: " + format + ": " + e.getMessage());
            }
        }
        json.append("\n  }");
        if (formats.contains(ArtifactFormat.SAVEDMODEL)) { // after the loads: natives already in
            json.append(String.format(Locale.ROOT, ",%n  \"tensorflow_java_call_floor_ms\": %.4f",
                    SessionFloor.p50Ms(manifest.height(), manifest.width(), manifest.channels(),
                            threads, iterations)));
        }
        json.append("\n}");
        System.out.println(json);
    }
}
