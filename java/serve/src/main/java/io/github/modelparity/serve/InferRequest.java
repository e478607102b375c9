package io.github.modelparity.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * An Open Inference Protocol (V2) inference request, read from its JSON and, with the binary
 * tensor extension, the raw tensors after it (kserve/open-inference-protocol's
 * inference_rest.md; Triton's binary_tensor_data extension). Every refusal is a 400 naming the
 * field, as {@code inputs[0].shape}.
 *
 * @param id the request's id, echoed in the answer, or null
 * @param inputs the input tensors, in the request's order
 * @param outputs the outputs asked for by name (empty: every output)
 * @param binaryOutputs whether outputs not asked for by name, or asked without saying, come back
 *                      as binary data (the request's binary_data_output parameter)
 */
record InferRequest(String id, List<Input> inputs, List<Output> outputs, boolean binaryOutputs) {
    /** The header that gives the JSON's length when binary tensors follow it. */
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    private static final ObjectReader JSON = JsonMapper.builder().build().reader();

    /**
     * One input tensor.
     *
     * @param name its name
     * @param datatype FP32 or BYTES (others are refused when read)
     * @param shape its shape
     * @param floats an FP32 tensor's values, row-major; null for BYTES
     * @param bytes a BYTES tensor's elements; null for FP32
     */
    record Input(String name, String datatype, long[] shape, float[] floats, List<byte[]> bytes) {
    }

    /**
     * One output asked for.
     *
     * @param name its name
     * @param binary whether it comes back as binary data
     */
    record Output(String name, boolean binary) {
    }

    /**
     * Reads a request body.
     *
     * @param body the whole body
     * @param headerLength the Inference-Header-Content-Length header, or null (JSON alone)
     * @return the request
     * @throws HttpError 400 naming the field that is wrong
     */
    static InferRequest read(byte[] body, String headerLength) {
        int jsonLength = body.length;
        if (headerLength != null) {
            try {
                jsonLength = Integer.parseInt(headerLength.trim());
            } catch (NumberFormatException e) {
                jsonLength = -1;
            }
            if (jsonLength < 0 || jsonLength > body.length) {
                throw HttpError.badRequest(HEADER_LENGTH + ": '" + headerLength + "' is not a length within the "
                        + body.length + "-byte body");
            }
        }
        JsonNode json;
        try {
            json = JSON.readTree(body, 0, jsonLength);
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("the request is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw HttpError.badRequest("the request cannot be read: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw HttpError.badRequest("the request is not a JSON object");
        }
        ByteBuffer binary = ByteBuffer.wrap(body, jsonLength, body.length - jsonLength).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        JsonNode inputs = json.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw HttpError.badRequest("inputs: a non-empty array of tensors is required");
        }
        List<Input> read = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            read.add(input(inputs.get(i), "inputs[" + i + "]", binary));
        }
        if (binary.hasRemaining()) {
            throw HttpError.badRequest("the request has " + binary.remaining()
                    + " bytes of binary data that no input's binary_data_size claims");
        }
        boolean binaryOutputs = flag(json.get("parameters"), "binary_data_output", "parameters");
        List<Output> outputs = new ArrayList<>();
        JsonNode asked = json.get("outputs");
        if (asked != null && !asked.isNull()) {
            if (!asked.isArray()) {
                throw HttpError.badRequest("outputs: must be an array");
            }
            for (int i = 0; i < asked.size(); i++) {
                String field = "outputs[" + i + "]";
                JsonNode o = asked.get(i);
                String name = text(o, "name", field);
                JsonNode parameters = o.get("parameters");
                boolean binaryOut = parameters != null && parameters.has("binary_data")
                        ? flag(parameters, "binary_data", field + ".parameters") : binaryOutputs;
                outputs.add(new Output(name, binaryOut));
            }
        }
        JsonNode id = json.get("id");
        return new InferRequest(id == null || id.isNull() ? null : id.asText(), read, outputs, binaryOutputs);
    }

    private static Input input(JsonNode t, String field, ByteBuffer binary) {
        if (t == null || !t.isObject()) {
            throw HttpError.badRequest(field + ": must be a tensor object");
        }
        String name = text(t, "name", field);
        String datatype = text(t, "datatype", field);
        JsonNode shapeNode = t.get("shape");
        if (shapeNode == null || !shapeNode.isArray() || shapeNode.isEmpty()) {
            throw HttpError.badRequest(field + ".shape: a non-empty array of sizes is required");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            JsonNode s = shapeNode.get(d);
            if (!s.isIntegralNumber() || !s.canConvertToInt() || s.asInt() < 0) {
                throw HttpError.badRequest(field + ".shape[" + d + "]: '" + s + "' is not a size");
            }
            shape[d] = s.asLong();
            count *= shape[d];
            if (count > Integer.MAX_VALUE) {
                throw HttpError.badRequest(field + ".shape: " + Arrays.toString(shape) + " holds too many values");
            }
        }
        if (!"FP32".equals(datatype) && !"BYTES".equals(datatype)) {
            throw HttpError.badRequest(field + ".datatype: '" + datatype + "' is not served (FP32 or BYTES)");
        }
        JsonNode parameters = t.get("parameters");
        JsonNode size = parameters == null ? null : parameters.get("binary_data_size");
        JsonNode data = t.get("data");
        if (size != null && !size.isNull()) {
            if (!size.canConvertToLong() || size.asLong() < 0 || size.asLong() > binary.remaining()) {
                throw HttpError.badRequest(field + ".parameters.binary_data_size: " + size + " is more than the "
                        + binary.remaining() + " bytes of binary data left");
            }
            ByteBuffer chunk = binary.slice().order(ByteOrder.LITTLE_ENDIAN).limit((int) size.asLong());
            binary.position(binary.position() + (int) size.asLong());
            return "FP32".equals(datatype)
                    ? new Input(name, datatype, shape, binaryFloats(chunk, count, field), null)
                    : new Input(name, datatype, shape, null, binaryBytes(chunk, count, field));
        }
        if (data == null || !data.isArray()) {
            throw HttpError.badRequest(field + ".data: an array is required (or parameters.binary_data_size)");
        }
        List<JsonNode> flat = new ArrayList<>();
        flatten(data, flat);
        if (flat.size() != count) {
            throw HttpError.badRequest(field + ".data: " + flat.size() + " values for shape "
                    + Arrays.toString(shape) + ", which holds " + count);
        }
        if ("FP32".equals(datatype)) {
            float[] values = new float[flat.size()];
            for (int i = 0; i < values.length; i++) {
                JsonNode v = flat.get(i);
                if (!v.isNumber()) {
                    throw HttpError.badRequest(field + ".data[" + i + "]: '" + v + "' is not a number");
                }
                values[i] = v.floatValue();
            }
            return new Input(name, datatype, shape, values, null);
        }
        List<byte[]> elements = new ArrayList<>(flat.size());
        for (int i = 0; i < flat.size(); i++) {
            byte[] decoded = flat.get(i).isTextual() ? base64(flat.get(i).asText()) : null;
            if (decoded == null) {
                throw HttpError.badRequest(field + ".data[" + i + "]: a BYTES element in JSON is a picture's"
                        + " bytes in base64");
            }
            elements.add(decoded);
        }
        return new Input(name, datatype, shape, null, elements);
    }

    private static float[] binaryFloats(ByteBuffer chunk, long count, String field) {
        if (chunk.remaining() != count * Float.BYTES) {
            throw HttpError.badRequest(field + ".parameters.binary_data_size: " + chunk.remaining()
                    + " bytes for " + count + " FP32 values (" + count * Float.BYTES + " bytes)");
        }
        float[] values = new float[(int) count];
        chunk.asFloatBuffer().get(values);
        return values;
    }

    /** BYTES in binary: each element a 4-byte little-endian length, then that many bytes. */
    private static List<byte[]> binaryBytes(ByteBuffer chunk, long count, String field) {
        List<byte[]> elements = new ArrayList<>();
        while (chunk.hasRemaining()) {
            if (chunk.remaining() < Integer.BYTES) {
                throw HttpError.badRequest(field + ": BYTES element " + elements.size() + " has a cut length");
            }
            int n = chunk.getInt();
            if (n < 0 || n > chunk.remaining()) {
                throw HttpError.badRequest(field + ": BYTES element " + elements.size() + " claims " + n
                        + " bytes, " + chunk.remaining() + " are left");
            }
            byte[] element = new byte[n];
            chunk.get(element);
            elements.add(element);
        }
        if (elements.size() != count) {
            throw HttpError.badRequest(field + ": " + elements.size() + " BYTES elements for a shape that holds "
                    + count);
        }
        return elements;
    }

    /** @return the decoded bytes, or null if text is not base64 */
    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void flatten(JsonNode node, List<JsonNode> out) {
        if (node.isArray()) {
            for (JsonNode n : node) {
                flatten(n, out);
            }
        } else {
            out.add(node);
        }
    }

    private static String text(JsonNode o, String key, String field) {
        JsonNode v = o == null ? null : o.get(key);
        if (v == null || !v.isTextual()) {
            throw HttpError.badRequest(field + "." + key + ": a string is required");
        }
        return v.asText();
    }

    private static boolean flag(JsonNode parameters, String key, String field) {
        JsonNode v = parameters == null ? null : parameters.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw HttpError.badRequest(field + "." + key + ": must be true or false");
        }
        return v.asBoolean();
    }
}
