package io.github.modelparity.serve;

import io.github.modelparity.ArtifactException;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classifier;
import io.github.modelparity.commandline.CommandLines;
import io.github.modelparity.commandline.FormatConverter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code modelparity-java serve}: one model over HTTP until SIGTERM or Ctrl-C, then a graceful
 * stop and exit status 0. Exit status 2 for bad usage, missing or altered artifacts, or a port
 * that cannot be had.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false, synopsisHeading = "usage: ",
        description = {"Serve a model over HTTP: POST /v1/classify (a picture), KServe's Open Inference",
                "Protocol V2 under /v2 (JSON and binary tensors), GET /metrics (Prometheus) and",
                "GET / (a page to try it). SIGTERM or Ctrl-C stops it: requests in flight finish",
                "within the grace period, then it exits 0."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--artifacts", paramLabel = "DIR", defaultValue = "artifacts",
            description = "folder written by python -m python.export (default: ${DEFAULT-VALUE})")
    private Path artifacts;

    @Option(names = "--name", paramLabel = "NAME",
            description = "the model's name in the protocol (default: the artifacts folder's name)")
    private String name;

    @Option(names = "--format", paramLabel = "F", defaultValue = "onnx", converter = FormatConverter.class,
            description = "artifact to run: onnx, onnx_int8 or savedmodel (default: ${DEFAULT-VALUE})")
    private ArtifactFormat format;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only)")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "port to listen on, 0 for any free one (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--threads", paramLabel = "N", converter = CommandLines.AtLeastOne.class,
            description = "requests in the model at once (default: the machine's cores)")
    private Integer threads;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "64",
            description = "requests that may wait for a thread; past it, 503 at once (default: ${DEFAULT-VALUE})")
    private int queue;

    @Option(names = "--max-body-mb", paramLabel = "MB", defaultValue = "20",
            description = "largest request body in MB; past it, 413 (default: ${DEFAULT-VALUE})")
    private double maxBodyMb;

    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "30",
            description = "how long requests in flight may take to finish on SIGTERM (default: ${DEFAULT-VALUE})")
    private double grace;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String prog = spec.qualifiedName();
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        ClassifyServer.Settings settings;
        try {
            settings = new ClassifyServer.Settings(host, port, workers, queue, (long) (maxBodyMb * 1024 * 1024),
                    Duration.ofMillis((long) (grace * 1000)));
        } catch (IllegalArgumentException e) {
            err.println(prog + ": error: " + e.getMessage());
            return 2;
        }
        String model = name != null ? name : modelName(artifacts);
        CountDownLatch stop = new CountDownLatch(1);
        // The JVM's own SIGTERM handling runs shutdown hooks and exits 143; the issue of a
        // service manager is a clean stop with status 0, so the signals are taken here
        // (sun.misc.Signal: the JDK's only API for them).
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try (Classifier classifier = Classifier.open(artifacts, format)) {
            ClassifyServer server;
            try {
                server = ClassifyServer.start(model, artifacts, classifier, settings);
            } catch (IOException e) {
                err.println(prog + ": error: cannot listen on " + host + ":" + port + ": "
                        + (e instanceof BindException || e.getCause() instanceof BindException
                        ? "the address is in use or not this machine's" : e.getMessage()));
                return 2;
            }
            out.println("serving model '" + model + "' (" + format.key() + ", sha256 " + classifier.sha256()
                    + ") on " + server.uri() + " with " + workers + " threads, queue " + queue);
            out.flush();
            stop.await();
            err.println(prog + ": stopping: requests in flight have " + grace + " s to finish");
            try {
                server.close();
                err.println(prog + ": stopped");
            } catch (java.util.concurrent.TimeoutException e) {
                err.println(prog + ": stopped at the end of the grace period, with requests unfinished");
            }
            return 0;
        } catch (ArtifactException e) {
            err.println(prog + ": error: " + e.getMessage());
            return 2;
        }
    }

    /** The artifacts folder's own name, as a model name (its absolute path's last part). */
    private static String modelName(Path artifacts) {
        Path last = artifacts.toAbsolutePath().normalize().getFileName();
        return last == null ? "model" : last.toString();
    }
}
