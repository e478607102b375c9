package io.github.modelparity.serve;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Requests, errors and a latency histogram per endpoint, and the requests in flight, with Prometheus's Java client in a
 * registry of this server's own (never the process-wide default), written in Prometheus's text
 * format for {@code GET /metrics}. As a handler it wraps the whole server, so it sees the
 * answers Jetty gives before the service does: 413 for a body over the limit, 503 when the
 * queue is full or the server is stopping.
 */
final class RequestMetrics extends Handler.Wrapper {
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder()
            .name("modelparity_requests").help("Requests answered, by endpoint and HTTP status")
            .labelNames("endpoint", "code").register(registry);
    private final Counter errors = Counter.builder()
            .name("modelparity_request_errors").help("Requests answered with a 4xx or 5xx status, by endpoint and status")
            .labelNames("endpoint", "code").register(registry);
    private final Gauge inFlight = Gauge.builder()
            .name("modelparity_requests_in_flight").help("Requests arrived and not yet answered (a scrape counts itself)")
            .register(registry);
    private final Histogram latency = Histogram.builder()
            .name("modelparity_request_duration_seconds").help("Time from the request's arrival to the answer's last byte")
            .labelNames("endpoint").classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);

    /**
     * @param handler the server's handlers
     */
    RequestMetrics(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        String endpoint = Endpoint.route(request.getMethod(), Request.getPathInContext(request)).endpoint().label();
        inFlight.inc();
        Callback counted = Callback.from(callback, () -> record(endpoint, response.getStatus(), start));
        if (!super.handle(request, response, counted)) {
            // Nothing took it (the service takes every path): a 404 all the same.
            Response.writeError(request, response, counted, 404);
        }
        return true;
    }

    private void record(String endpoint, int status, long start) {
        inFlight.dec();
        String code = Integer.toString(status);
        requests.labelValues(endpoint, code).inc();
        if (status >= 400) {
            errors.labelValues(endpoint, code).inc();
        }
        latency.labelValues(endpoint).observe((System.nanoTime() - start) / 1e9);
    }

    /** @return every metric in Prometheus's text format (version 0.0.4) */
    byte[] text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            TEXT.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** @return the text format's content type */
    static String contentType() {
        return TEXT.getContentType();
    }
}
