package io.github.modelparity.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classifier;
import io.github.modelparity.PictureException;
import io.github.modelparity.commandline.FormatConverter;
import io.github.modelparity.commandline.Json;
import io.github.modelparity.commandline.Version;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * A long run of the library on many threads, classifying picture files again and again
 * while sampling the process's resident memory, to show that nothing grows: every tensor,
 * result and decoded picture is released. Prints one JSON object: the samples and the
 * growth after warm-up.
 */
@Command(name = "modelparity-java-soak", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, synopsisHeading = "usage: ",
        description = {"Classifies the pictures of a folder over and over on several threads,"
                + " sampling resident memory; prints JSON with the growth after warm-up."})
public final class Soak implements Callable<Integer> {
    @Option(names = "--artifacts", paramLabel = "DIR", defaultValue = "artifacts",
            description = "folder written by python -m python.export (default: ${DEFAULT-VALUE})")
    private Path artifacts;

    @Option(names = "--pictures", paramLabel = "DIR", required = true,
            description = "pictures to classify, walked recursively")
    private Path pictures;

    @Option(names = "--format", paramLabel = "F", defaultValue = "onnx", converter = FormatConverter.class,
            description = "artifact to run (default: ${DEFAULT-VALUE})")
    private ArtifactFormat format;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "8",
            description = "calling threads sharing one classifier (default: ${DEFAULT-VALUE})")
    private int threads;

    @Option(names = "--classifications", paramLabel = "N", defaultValue = "200000",
            description = "classifications in all (default: ${DEFAULT-VALUE})")
    private long total;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20000",
            description = "classifications before the baseline sample (default: ${DEFAULT-VALUE})")
    private long warmup;

    @Option(names = "--sample-every", paramLabel = "N", defaultValue = "10000",
            description = "classifications between memory samples (default: ${DEFAULT-VALUE})")
    private long every;

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(Main.commandLine(new Soak(), out, err).execute(args));
    }

    /** Resident memory of this process in kB, from /proc (Linux). */
    static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("/proc/self/status has no VmRSS line");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (threads < 1 || total < 1 || every < 1 || warmup < 0 || warmup >= total) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--threads, --classifications and --sample-every must be at least 1,"
                            + " and --warmup below --classifications");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(pictures)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            err.println(spec.name() + ": error: " + pictures + ": cannot list pictures (" + e.getMessage() + ")");
            return 2;
        }
        if (files.isEmpty()) {
            err.println(spec.name() + ": error: " + pictures + ": no pictures");
            return 2;
        }
        ObjectNode report = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        ArrayNode samples = report.putArray("samples");
        AtomicLong done = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long started = System.nanoTime();
        try (Classifier classifier = Classifier.open(artifacts, format)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                Future<?>[] jobs = new Future<?>[threads];
                for (int t = 0; t < threads; t++) {
                    final int offset = t * 7919; // threads start at different pictures
                    jobs[t] = pool.submit(() -> {
                        for (long n = done.getAndIncrement(); n < total; n = done.getAndIncrement()) {
                            try {
                                classifier.classify(files.get((int) ((n + offset) % files.size())));
                            } catch (PictureException e) {
                                refused.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
                long next = warmup;
                while (!allDone(jobs)) {
                    if (done.get() >= next) {
                        ObjectNode s = samples.addObject();
                        s.put("classifications", Math.min(done.get(), total));
                        s.put("seconds", (System.nanoTime() - started) / 1e9);
                        s.put("rss_mb", residentKb() / 1024.0);
                        next += every;
                    }
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                for (Future<?> j : jobs) {
                    j.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double first = samples.get(0).get("rss_mb").asDouble();
        double max = 0;
        for (var s : samples) {
            max = Math.max(max, s.get("rss_mb").asDouble());
        }
        double last = samples.get(samples.size() - 1).get("rss_mb").asDouble();
        report.put("format", format.key());
        report.put("threads", threads);
        report.put("classifications", total);
        report.put("refused", refused.get());
        report.put("pictures", files.size());
        report.put("seconds", seconds);
        report.put("per_second", total / seconds);
        report.put("rss_mb_after_warmup", first);
        report.put("rss_mb_last", last);
        report.put("rss_mb_max", max);
        report.put("growth_after_warmup_percent", 100.0 * (max - first) / first);
        spec.commandLine().getOut().println(Json.LINE.writeValueAsString(report));
        return 0;
    }

    private static boolean allDone(Future<?>[] jobs) {
        for (Future<?> j : jobs) {
            if (!j.isDone()) {
                return false;
            }
        }
        return true;
    }
}
