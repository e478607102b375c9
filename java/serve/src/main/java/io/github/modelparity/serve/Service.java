package io.github.modelparity.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.modelparity.Classification;
import io.github.modelparity.PictureException;
import io.github.modelparity.PreparedPicture;
import io.github.modelparity.commandline.Json;
import io.github.modelparity.commandline.Lines;
import io.github.modelparity.commandline.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The service's endpoints over one {@link ServedModel}: the page, {@code /v1/classify},
 * {@code /metrics} and the Open Inference Protocol's. Runs on Jetty's worker threads, which
 * block in the model; QoSHandler in front bounds how many do.
 */
final class Service extends Handler.Abstract {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ServedModel model;
    private final Inference inference;
    private final RequestMetrics metrics;
    private final Uploads uploads;
    private final byte[] page;
    private volatile boolean ready = true;

    /**
     * @param model the model served
     * @param metrics the server's metrics, which /metrics writes
     * @param uploads reads a picture out of a request body
     */
    Service(ServedModel model, RequestMetrics metrics, Uploads uploads) {
        super(InvocationType.BLOCKING);
        this.model = model;
        this.inference = new Inference(model);
        this.metrics = metrics;
        this.uploads = uploads;
        this.page = page(model);
    }

    /** Stops answering ready (the server is stopping); live stays true until it stops. */
    void notReady() {
        ready = false;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            serve(request, response, callback);
        } catch (HttpError e) {
            drain(request);
            error(response, callback, e.status(), e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            error(response, callback, 400, "the request body cannot be read: " + e.getMessage());
        }
        return true;
    }

    /**
     * Reads what is left of a body a refusal did not need (a 404 or 405 comes before it is read).
     * Left unread, Jetty closes the connection after the answer, without saying so in it, and a
     * keep-alive client's next request on that connection finds it closed. The body is within
     * the size limit, so reading it costs at most that.
     */
    private static void drain(Request request) {
        try {
            Content.Source.consumeAll(request);
        } catch (IOException | RuntimeException e) {
            // the body could not be read (over the limit, or the client went): Jetty closes the
            // connection, as it should, and the refusal is still the answer
        }
    }

    private void serve(Request request, Response response, Callback callback) throws IOException {
        Endpoint.Route route = Endpoint.route(request.getMethod(), Request.getPathInContext(request));
        if (route.endpoint() == Endpoint.NOT_FOUND) {
            throw new HttpError(404, "no such endpoint: " + Request.getPathInContext(request));
        }
        if (!route.methodAllowed()) {
            response.getHeaders().put(HttpHeader.ALLOW, route.allowed());
            throw new HttpError(405, request.getMethod() + " is not allowed here: " + route.allowed());
        }
        if (route.model() != null && !route.model().equals(model.name())) {
            throw new HttpError(404, "no model named '" + route.model() + "' (this server serves '" + model.name() + "')");
        }
        if (route.version() != null && !route.version().equals(ServedModel.VERSION)) {
            throw new HttpError(404, "model '" + model.name() + "' has no version '" + route.version() + "' (it has "
                    + ServedModel.VERSION + ")");
        }
        switch (route.endpoint()) {
            case PAGE -> write(response, callback, 200, MimeTypes.Type.TEXT_HTML_UTF_8.asString(), page);
            case METRICS -> write(response, callback, 200, RequestMetrics.contentType(), metrics.text());
            case V2_LIVE -> json(response, callback, 200, NODES.objectNode().put("live", true));
            case V2_READY, V2_MODEL_READY -> json(response, callback, ready ? 200 : 503,
                    NODES.objectNode().put("ready", ready));
            case V2_SERVER -> {
                ObjectNode o = NODES.objectNode().put("name", "modelparity-java").put("version", Version.current());
                o.putArray("extensions").add("binary_tensor_data");
                json(response, callback, 200, o);
            }
            case V2_MODEL -> json(response, callback, 200, inference.metadata());
            case V2_INFER -> infer(request, response, callback);
            case CLASSIFY -> classify(request, response, callback);
            default -> throw new IllegalStateException("unrouted " + route);
        }
    }

    private void infer(Request request, Response response, Callback callback) throws IOException {
        byte[] body = Uploads.bytes(request);
        InferRequest parsed = InferRequest.read(body, request.getHeaders().get(InferRequest.HEADER_LENGTH));
        Inference.Answer answer = inference.infer(parsed);
        if (answer.jsonLength() < 0) {
            write(response, callback, 200, "application/json", answer.body());
        } else {
            response.getHeaders().put(InferRequest.HEADER_LENGTH, answer.jsonLength());
            write(response, callback, 200, "application/octet-stream", answer.body());
        }
    }

    /** POST /v1/classify[?top=K][&input=true]: a picture's bytes, or a multipart upload. */
    private void classify(Request request, Response response, Callback callback) throws IOException {
        Fields query = Request.extractQueryParameters(request);
        int top = top(query.getValue("top"));
        boolean withInput = "true".equals(query.getValue("input")) || "1".equals(query.getValue("input"));
        Uploads.Picture picture = uploads.picture(request, query.getValue("name"));
        PreparedPicture prepared;
        try {
            prepared = model.prepare(picture.name(), picture.bytes());
        } catch (PictureException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        Classification c = model.classifier().classifyPrepared(List.of(prepared)).get(0);
        ObjectNode o = Lines.jsonObject(c, Math.min(top, model.labels().size()));
        o.put("model", model.name());
        o.put("model_sha256", model.classifier().sha256());
        o.put("format", model.classifier().format().key());
        if (withInput) {
            ObjectNode input = o.putObject("input");
            input.put("height", model.height()).put("width", model.width()).put("channels", model.channels());
            ArrayNode range = input.putArray("range");
            for (double[] r : model.inputRange()) {
                range.addArray().add(r[0]).add(r[1]);
            }
            ArrayNode data = input.putArray("data");
            for (float v : prepared.pixels()) {
                data.add(v);
            }
        }
        json(response, callback, 200, o);
    }

    private static int top(String text) {
        if (text == null) {
            return 5;
        }
        try {
            int k = Integer.parseInt(text.trim());
            if (k >= 1) {
                return k;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HttpError.badRequest("top: '" + text + "' is not a whole number of at least 1");
    }

    private static void json(Response response, Callback callback, int status, JsonNode o) {
        try {
            write(response, callback, status, "application/json", Json.LINE.writeValueAsBytes(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + o, e); // strings and numbers only
        }
    }

    /**
     * The Open Inference Protocol's error form, {@code {"error": "..."}}, for every endpoint.
     *
     * @param response the response
     * @param callback its callback
     * @param status the HTTP status
     * @param reason one line
     */
    static void error(Response response, Callback callback, int status, String reason) {
        json(response, callback, status, NODES.objectNode().put("error", reason));
    }

    private static void write(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The page, with the model's name written in. */
    private static byte[] page(ServedModel model) {
        try (InputStream in = Service.class.getResourceAsStream("page.html")) {
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return html.replace("{{model}}", escape(model.name()))
                    .replace("{{format}}", escape(model.classifier().format().key()))
                    .replace("{{sha256}}", model.classifier().sha256())
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the page is missing from the jar", e);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
