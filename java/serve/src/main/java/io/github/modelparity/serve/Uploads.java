package io.github.modelparity.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * A picture out of a request body: the body itself, or the picture part of a
 * multipart/form-data upload (a browser's form, {@code curl -F picture=@me.jpg}), read by
 * Jetty's MultiPartFormData and held in memory within the body limit.
 */
final class Uploads {
    /** The form field a picture is looked for under first. */
    static final String FIELD = "picture";

    private final MultiPartConfig config;

    /**
     * @param maxBytes the largest body the server takes
     */
    Uploads(long maxBytes) {
        this.config = new MultiPartConfig.Builder().maxParts(16).maxSize(maxBytes).maxPartSize(maxBytes)
                .maxMemoryPartSize(maxBytes).build();
    }

    /**
     * A picture's bytes and the name it is known by in results and errors.
     *
     * @param name the upload's file name, the name asked for, or {@value #FIELD}
     * @param bytes the picture file's bytes
     */
    record Picture(String name, byte[] bytes) {
    }

    /**
     * @param request a POST to /v1/classify
     * @param name the name asked for (?name=), or null
     * @return the picture it carries
     * @throws IOException if the body cannot be read
     * @throws HttpError 400 if an upload has no picture
     */
    Picture picture(Request request, String name) throws IOException {
        // (MultiPartFormData takes the whole Content-Type; the boundary is checked first for a clear 400.)
        HttpField type = request.getHeaders().getField(HttpHeader.CONTENT_TYPE);
        if (type == null || !"multipart/form-data".equalsIgnoreCase(type.getValue().split(";", 2)[0].trim())) {
            return new Picture(name == null ? FIELD : name, bytes(request));
        }
        String boundary = MultiPart.extractBoundary(type.getValue());
        if (boundary == null) {
            throw HttpError.badRequest("Content-Type: a multipart/form-data upload without a boundary");
        }
        try (MultiPartFormData.Parts parts = MultiPartFormData.getParts(request, request, type.getValue(), config)) {
            MultiPart.Part part = parts.getFirst(FIELD);
            for (int i = 0; part == null && i < parts.size(); i++) {
                if (parts.get(i).getFileName() != null) {
                    part = parts.get(i);
                }
            }
            if (part == null) {
                throw HttpError.badRequest("the upload has no '" + FIELD + "' field and no file");
            }
            byte[] bytes = bytes(part.createContentSource());
            String file = part.getFileName();
            return new Picture(name != null ? name : file != null && !file.isEmpty() ? file : FIELD, bytes);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw HttpError.badRequest("the multipart upload cannot be read: " + e.getMessage());
        }
    }

    /**
     * @param source a request body or a part of one
     * @return all of its bytes (blocking: the service runs on Jetty's worker threads)
     * @throws IOException if it cannot be read
     */
    static byte[] bytes(Content.Source source) throws IOException {
        ByteBuffer b = Content.Source.asByteBuffer(source);
        // Jetty gathers the body into a buffer of its own (not pooled: the caller keeps it).
        // Where that is one whole array, it is the picture's bytes: no second copy of a photo.
        if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
            return b.array();
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
