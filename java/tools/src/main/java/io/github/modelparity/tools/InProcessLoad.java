package io.github.modelparity.tools;

import com.sun.management.OperatingSystemMXBean;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classifier;
import io.github.modelparity.PictureException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load benchmark's baseline: the same picture files' bytes classified in this process by
 * one {@link Classifier} (the one the server shares), on T threads, for S seconds after W
 * seconds of the same to warm up (the server gets as long). Prints one JSON line: requests,
 * seconds, pictures/s, p50 and p99 latency in ms, and the process's CPU time a picture (all
 * its threads: the model's, the JIT's, the collector's). Run by python -m python.bench.serve
 * beside the server; a benchmark, not a tool users need.
 *
 * <p>Usage: {@code InProcessLoad ARTIFACTS FORMAT THREADS SECONDS WARMUP PICTURE...}
 */
public final class InProcessLoad {
    private InProcessLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path artifacts = Path.of(args[0]);
        ArtifactFormat format = ArtifactFormat.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        double warmup = Double.parseDouble(args[4]);
        List<byte[]> pictures = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            pictures.add(Files.readAllBytes(Path.of(args[i])));
        }
        try (Classifier classifier = Classifier.open(artifacts, format)) {
            run(classifier, pictures, threads, warmup);
            System.out.println(run(classifier, pictures, threads, seconds));
        }
    }

    private static String run(Classifier classifier, List<byte[]> pictures, int threads, double seconds)
            throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong next = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(threads);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            long[] mine = new long[1 << 22];
            latencies.add(mine);
            Thread worker = new Thread(() -> {
                int n = 0;
                try {
                    while (System.nanoTime() < end && n < mine.length - 1) {
                        byte[] picture = pictures.get((int) (next.getAndIncrement() % pictures.size()));
                        long t0 = System.nanoTime();
                        classifier.classify("picture", picture);
                        mine[++n] = System.nanoTime() - t0;
                    }
                } catch (PictureException e) {
                    throw new IllegalStateException(e);
                } finally {
                    mine[0] = n;
                    done.countDown();
                }
            });
            worker.start();
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpuMs = (os.getProcessCpuTime() - cpuStart) / 1e6;
        long total = latencies.stream().mapToLong(l -> l[0]).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (long[] l : latencies) {
            System.arraycopy(l, 1, all, at, (int) l[0]);
            at += (int) l[0];
        }
        Arrays.sort(all);
        return String.format(java.util.Locale.ROOT,
                "{\"requests\": %d, \"seconds\": %.3f, \"per_second\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
                        + "\"cpu_ms_per_picture\": %.4f}",
                total, elapsed, total / elapsed, all[(int) (0.50 * (total - 1))] / 1e6,
                all[(int) (0.99 * (total - 1))] / 1e6, cpuMs / Math.max(1, total));
    }
}
