package io.github.modelparity.serve;

import io.github.modelparity.Classifier;
import io.github.modelparity.manifest.Manifest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A running service over one {@link ServedModel}, on Jetty. Its handlers, outermost first:
 * <ol>
 * <li>{@link RequestMetrics}: counts and times every answer, Jetty's own refusals included;
 * <li>GracefulHandler: on {@link #close()}, new requests get 503 and those in flight finish
 * within the grace period;
 * <li>SizeLimitHandler: a body over the limit gets 413 (by its Content-Length, or as it is read);
 * <li>QoSHandler, on POSTs only: at most {@code threads} requests in the model, at most
 * {@code queue} waiting (without a thread), 503 at once past that;
 * <li>{@link Service}: the endpoints.
 * </ol>
 * Errors Jetty answers itself (413, 503, a malformed request) come out in the protocol's
 * {@code {"error": ...}} form too.
 */
public final class ClassifyServer implements AutoCloseable {
    private final Server server;
    private final Service service;
    private final Duration grace;

    /**
     * How a server listens and how much it takes on.
     *
     * @param host the address to listen on (127.0.0.1: this machine only)
     * @param port the port, or 0 for any free one
     * @param threads requests in the model at once (each runs the model on one thread)
     * @param queue requests that may wait for a thread; past it, 503 at once
     * @param maxBodyBytes the largest request body; past it, 413
     * @param grace how long requests in flight may take to finish when the server stops
     */
    public record Settings(String host, int port, int threads, int queue, long maxBodyBytes, Duration grace) {
        /**
         * @throws IllegalArgumentException if a number is out of range
         */
        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(grace, "grace");
            if (port < 0 || port > 65535 || threads < 1 || queue < 0 || maxBodyBytes < 1 || grace.isNegative()) {
                throw new IllegalArgumentException("port 0-65535, threads >= 1, queue >= 0, max body >= 1 byte"
                        + " and a grace period >= 0, not " + this);
            }
        }
    }

    private ClassifyServer(Server server, Service service, Duration grace) {
        this.server = server;
        this.service = service;
        this.grace = grace;
    }

    /**
     * Starts a server.
     *
     * @param name the model's name in the protocol
     * @param artifacts the artifacts folder the classifier was opened on (its manifest names
     *                  the tensors)
     * @param classifier the model, shared by every worker; the caller closes it after the server
     * @param settings where it listens and what it takes on
     * @return the started server, which the caller closes
     * @throws Exception if it cannot start (the port is taken, the host is not this machine's)
     */
    public static ClassifyServer start(String name, Path artifacts, Classifier classifier, Settings settings)
            throws Exception {
        ServedModel model = new ServedModel(name, classifier, Manifest.read(artifacts));
        // Jetty's own threads (an acceptor and a selector) and a few to answer refusals,
        // beside the ones QoSHandler lets into the model.
        QueuedThreadPool pool = new QueuedThreadPool(settings.threads() + 8, Math.min(8, settings.threads() + 4));
        pool.setName("modelparity-serve");
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        server.addConnector(connector);

        RequestMetrics metrics = new RequestMetrics(null);
        Service service = new Service(model, metrics, new Uploads(settings.maxBodyBytes()));
        QoSHandler qos = new QoSHandler(service);
        qos.includeMethod("POST");
        qos.setMaxRequestCount(settings.threads());
        qos.setMaxSuspendedRequestCount(settings.queue());
        qos.setMaxSuspend(Duration.ofSeconds(30));
        SizeLimitHandler sizeLimit = new SizeLimitHandler(settings.maxBodyBytes(), -1);
        sizeLimit.setHandler(qos);
        GracefulHandler graceful = new GracefulHandler(sizeLimit);
        // Jetty's 1 s shutdown idle timeout stays: a connection that sends nothing for 1 s once
        // the stop has begun is closed (keep-alive ones would otherwise hold the stop), while
        // a request still being processed or still arriving keeps the whole grace period.
        metrics.setHandler(graceful);
        server.setHandler(metrics);
        server.setErrorHandler(new JsonErrors());
        server.setStopTimeout(settings.grace().toMillis());
        server.setStopAtShutdown(false); // ServeCommand stops it on SIGTERM, then exits 0
        server.start();
        return new ClassifyServer(server, service, settings.grace());
    }

    /** @return where the server listens, as http://host:port/ */
    public URI uri() {
        return server.getURI();
    }

    /** @return the port the server listens on */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /**
     * Stops accepting, lets requests in flight finish within the grace period, then stops.
     * The model is the caller's to close afterwards.
     *
     * @throws Exception if Jetty fails to stop
     */
    @Override
    public void close() throws Exception {
        service.notReady();
        server.stop();
    }

    /** @return the grace period the server was started with */
    public Duration grace() {
        return grace;
    }

    /** Jetty's own error answers (413, 503, 400 for a malformed request) in {"error": ...} form. */
    private static final class JsonErrors implements Request.Handler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
            Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
            int code = status instanceof Integer s ? s : response.getStatus();
            String phrase = org.eclipse.jetty.http.HttpStatus.getMessage(code);
            String detail = message == null || message.toString().equals(phrase) ? null : message.toString();
            String reason = switch (code) {
                case 413 -> "the request body is over the server's limit";
                case 503 -> "the server is busy or stopping: try again";
                default -> phrase;
            };
            if (detail != null) {
                reason = reason.equals(phrase) ? detail : reason + " (" + detail + ")";
            }
            Service.error(response, callback, code, reason);
            return true;
        }
    }
}
