package io.github.modelparity.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.modelparity.ArtifactException;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.PictureException;
import io.github.modelparity.commandline.FormatConverter;
import io.github.modelparity.commandline.Json;
import io.github.modelparity.commandline.Version;
import io.github.modelparity.manifest.Manifest;
import io.github.modelparity.preprocess.Preprocessor;
import io.github.modelparity.runtime.LoadedModel;
import io.github.modelparity.runtime.Runtimes;
import io.github.modelparity.tensorflow.SessionFloor;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * Prints JSON timings: per runtime (savedmodel, onnx, onnx_int8) the load time, one
 * picture's latency p50/p99 after warm-up (preprocessing apart), batch-64 throughput,
 * plus Java preprocessing cost per picture and, with savedmodel, TensorFlow Java's own
 * per-call cost on a graph of one Identity op ({@link SessionFloor}).
 */
@Command(name = "modelparity-java-benchmark", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, synopsisHeading = "usage: ",
        description = {"Prints JSON timings per runtime (one format a JVM gives each runtime its own peak memory)."})
public final class Benchmark implements Callable<Integer> {
    @Option(names = "--artifacts", paramLabel = "DIR", defaultValue = "artifacts",
            description = "folder written by python -m python.export (default: ${DEFAULT-VALUE})")
    private Path artifacts;

    @Option(names = "--pictures", paramLabel = "DIR",
            description = "pictures to time preprocessing on (up to 2000, sorted)")
    private Path pictures;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "5000",
            description = "timed one-picture calls (default: ${DEFAULT-VALUE})")
    private int iterations;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "the runtimes' intra-op threads (default: ${DEFAULT-VALUE})")
    private int threads;

    @Option(names = "--formats", paramLabel = "F", split = ",", defaultValue = "savedmodel,onnx,onnx_int8",
            converter = FormatConverter.class,
            description = "comma-separated artifacts to time (default: ${DEFAULT-VALUE})")
    private List<ArtifactFormat> formats;

    @Option(names = "--photos", paramLabel = "FILE", arity = "1..*",
            description = "instead of the runtimes: time preparing and classifying these picture files")
    private List<Path> photos;

    @Option(names = "--photo-reps", paramLabel = "N", defaultValue = "15",
            description = "timed repetitions per photo (default: ${DEFAULT-VALUE})")
    private int photoReps;

    @Option(names = "--photo-threads", paramLabel = "T", defaultValue = "0",
            description = "with --photos: classify T photos at once on T threads instead, "
                    + "--photo-reps rounds (peak memory is the process's)")
    private int photoThreads;

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(Main.commandLine(new Benchmark(), out, err).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String prog = spec.name();
        if (iterations < 1 || threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--iterations and --threads must be at least 1");
        }
        Manifest manifest;
        try {
            manifest = Manifest.read(artifacts);
        } catch (ArtifactException e) {
            err.println(prog + ": error: " + e.getMessage());
            return 2;
        }
        int size = manifest.pictureSize();
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.put("java", System.getProperty("java.version"));
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("intra_op_threads", threads);
        if (photos != null) {
            try {
                PhotoBenchmark.run(artifacts, photos, photoReps, photoThreads, photoReps, report);
            } catch (PictureException | ArtifactException | java.util.concurrent.ExecutionException e) {
                err.println(prog + ": error: " + e.getMessage());
                return 2;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
            spec.commandLine().getOut().println(Json.PRETTY.writeValueAsString(report));
            spec.commandLine().getOut().flush();
            return 0;
        }

        float[] sample = new float[size];
        Arrays.fill(sample, 0.5f);
        if (pictures != null) {
            float[] first = timePreprocessing(manifest, report);
            if (first != null) {
                sample = first;
            }
        }

        ObjectNode runtimes = report.putObject("runtimes");
        for (ArtifactFormat format : formats) {
            if (!manifest.artifacts().containsKey(format.key())) {
                continue;
            }
            long t0 = System.nanoTime();
            // What Classifier.open does (the manifest read, the sha256 checked, the load), timed;
            // then the runtime alone, as the Classifier calls it.
            try (LoadedModel c = Runtimes.load(Manifest.read(artifacts), format, threads)) {
                double loadMs = (System.nanoTime() - t0) / 1e6;
                float[] one = new float[1];
                float[] sixtyFour = new float[64];
                for (int i = 0; i < Math.max(200, iterations / 2); i++) {
                    c.predict(sample, 1, one);
                }
                long[] t = new long[iterations];
                for (int i = 0; i < iterations; i++) {
                    long s = System.nanoTime();
                    c.predict(sample, 1, one);
                    t[i] = System.nanoTime() - s;
                }
                Arrays.sort(t);
                float[] batch = new float[64 * size];
                for (int i = 0; i < 64; i++) {
                    System.arraycopy(sample, 0, batch, i * size, size);
                }
                for (int i = 0; i < 20; i++) {
                    c.predict(batch, 64, sixtyFour);
                }
                int rounds = Math.max(20, iterations / 50);
                long b0 = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    c.predict(batch, 64, sixtyFour);
                }
                double seconds = (System.nanoTime() - b0) / 1e9;
                ObjectNode r = runtimes.putObject(format.key());
                r.put("load_ms", rounded(loadMs, 1));
                r.put("p50_ms", rounded(t[iterations / 2] / 1e6, 4));
                r.put("p99_ms", rounded(t[Math.min(iterations - 1, (int) (iterations * 0.99))] / 1e6, 4));
                r.put("batch64_pictures_per_s", rounded(rounds * 64 / seconds, 0));
            } catch (ArtifactException e) {
                err.println(prog + ": " + format + ": " + e.getMessage());
            }
        }
        if (formats.contains(ArtifactFormat.SAVEDMODEL)) { // after the loads: natives already in
            report.put("tensorflow_java_call_floor_ms", rounded(SessionFloor.p50Ms(manifest.height(),
                    manifest.width(), manifest.channels(), threads, iterations), 4));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.PRETTY.writeValueAsString(report));
        out.flush();
        return 0;
    }

    /** Decode, EXIF, grey, resize, scale per picture; returns the first picture's input, or null. */
    private float[] timePreprocessing(Manifest manifest, ObjectNode report) throws IOException {
        List<Path> files;
        try (Stream<Path> w = Files.walk(pictures)) {
            files = w.filter(Files::isRegularFile).sorted().limit(2000).toList();
        }
        if (files.isEmpty()) {
            return null;
        }
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
        ObjectNode p = report.putObject("preprocessing");
        p.put("pictures", ok);
        p.put("us_per_picture", rounded(perPicture, 1));
        return loaded.isEmpty() ? null : loaded.get(0);
    }

    private static BigDecimal rounded(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN);
    }
}
