package io.github.modelparity.serve;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's endpoints, as the metrics name them, and the route a request's method and path
 * take: a small table, since Jetty's core API routes by path only.
 */
enum Endpoint {
    PAGE, CLASSIFY, METRICS, V2_LIVE, V2_READY, V2_SERVER, V2_MODEL, V2_MODEL_READY, V2_INFER, NOT_FOUND;

    /** /v2/models/{name}[/versions/{version}][/ready|/infer]. */
    private static final Pattern MODEL = Pattern.compile("/v2/models/([^/]+)(?:/versions/([^/]+))?(/ready|/infer)?");

    /** The metrics' label: the endpoint in lower case. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Where a request goes.
     *
     * @param endpoint the endpoint
     * @param model the model named in the path (V2's model endpoints), else null
     * @param version the model version named in the path, else null
     * @param allowed the method the endpoint takes, for 405's Allow header
     * @param methodAllowed whether the request's method is that one
     */
    record Route(Endpoint endpoint, String model, String version, String allowed, boolean methodAllowed) {
    }

    /**
     * @param method the request's method
     * @param path the request's path, decoded
     * @return its route (NOT_FOUND for an unknown path)
     */
    static Route route(String method, String path) {
        switch (path) {
            case "/":
            case "/index.html":
                return route(PAGE, null, null, "GET", method);
            case "/v1/classify":
                return route(CLASSIFY, null, null, "POST", method);
            case "/metrics":
                return route(METRICS, null, null, "GET", method);
            case "/v2/health/live":
                return route(V2_LIVE, null, null, "GET", method);
            case "/v2/health/ready":
                return route(V2_READY, null, null, "GET", method);
            case "/v2":
                return route(V2_SERVER, null, null, "GET", method);
            default:
                Matcher m = MODEL.matcher(path);
                if (!m.matches()) {
                    return new Route(NOT_FOUND, null, null, null, true);
                }
                String tail = m.group(3);
                Endpoint e = tail == null ? V2_MODEL : tail.equals("/ready") ? V2_MODEL_READY : V2_INFER;
                return route(e, m.group(1), m.group(2), e == V2_INFER ? "POST" : "GET", method);
        }
    }

    private static Route route(Endpoint e, String model, String version, String allowed, String method) {
        boolean ok = allowed.equals(method) || ("GET".equals(allowed) && "HEAD".equals(method));
        return new Route(e, model, version, allowed, ok);
    }
}
