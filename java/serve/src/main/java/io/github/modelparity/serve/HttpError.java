package io.github.modelparity.serve;

/**
 * A request the service refuses: the HTTP status and the one-line reason that goes out as
 * {@code {"error": reason}}, the Open Inference Protocol's error form.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status the HTTP status (400, 404, ...)
     * @param reason one line, naming the field or the picture at fault
     */
    HttpError(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    /** @return the HTTP status */
    int status() {
        return status;
    }

    /**
     * @param reason one line naming the field at fault
     * @return a 400 Bad Request
     */
    static HttpError badRequest(String reason) {
        return new HttpError(400, reason);
    }
}
