package io.github.modelparity.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.modelparity.Classification;
import io.github.modelparity.LabelProbability;
import io.github.modelparity.PictureException;
import io.github.modelparity.PreparedPicture;
import io.github.modelparity.commandline.Json;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Open Inference Protocol (V2) for one {@link ServedModel}: its metadata, and an inference
 * request's answer in the JSON tensor form or, where asked, the binary tensor extension.
 */
final class Inference {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ServedModel model;

    Inference(ServedModel model) {
        this.model = model;
    }

    /**
     * An answer: the body and, when binary tensors follow the JSON, the JSON's length.
     *
     * @param body the JSON, then any binary tensors
     * @param jsonLength the JSON's length in bytes, or -1 when the body is JSON alone
     */
    record Answer(byte[] body, int jsonLength) {
    }

    /** @return GET /v2/models/{name}: name, versions, platform, inputs and outputs */
    ObjectNode metadata() {
        ObjectNode o = NODES.objectNode();
        o.put("name", model.name());
        o.putArray("versions").add(ServedModel.VERSION);
        o.put("platform", model.platform());
        ArrayNode inputs = o.putArray("inputs");
        tensor(inputs, model.inputName(), "FP32", -1, model.height(), model.width(), model.channels());
        tensor(inputs, ServedModel.PICTURE, "BYTES", -1);
        ArrayNode outputs = o.putArray("outputs");
        if (ownOutputListed()) {
            tensor(outputs, model.outputName(), "FP32", -1, model.units());
        }
        tensor(outputs, ServedModel.PROBABILITIES, "FP32", -1, model.labels().size());
        tensor(outputs, ServedModel.LABEL, "BYTES", -1);
        return o;
    }

    /**
     * Whether the model's own output is listed apart: not where it is itself named
     * {@value ServedModel#PROBABILITIES} (a softmax's ONNX output), whose values the
     * probabilities tensor already holds; one name, one tensor.
     */
    private boolean ownOutputListed() {
        return !ServedModel.PROBABILITIES.equals(model.outputName());
    }

    private static void tensor(ArrayNode list, String name, String datatype, long... shape) {
        ObjectNode t = list.addObject().put("name", name).put("datatype", datatype);
        ArrayNode s = t.putArray("shape");
        for (long d : shape) {
            s.add(d);
        }
    }

    /**
     * Runs a request: one input, the model's own (prepared FP32) or encoded pictures.
     *
     * @param request the request
     * @return the answer
     * @throws HttpError 400 naming the field, or the picture that cannot be read
     */
    Answer infer(InferRequest request) {
        if (request.inputs().size() != 1) {
            throw HttpError.badRequest("inputs: this model takes one input, '" + model.inputName() + "' or '"
                    + ServedModel.PICTURE + "', not " + request.inputs().size());
        }
        InferRequest.Input input = request.inputs().get(0);
        List<Classification> results;
        if (input.name().equals(model.inputName())) {
            results = classifyTensor(input);
        } else if (input.name().equals(ServedModel.PICTURE)) {
            results = classifyPictures(input);
        } else {
            throw HttpError.badRequest("inputs[0].name: '" + input.name() + "' is not an input of this model ('"
                    + model.inputName() + "' or '" + ServedModel.PICTURE + "')");
        }
        List<InferRequest.Output> outputs = request.outputs();
        if (outputs.isEmpty()) {
            boolean binary = request.binaryOutputs();
            List<InferRequest.Output> every = new ArrayList<>();
            if (ownOutputListed()) {
                every.add(new InferRequest.Output(model.outputName(), binary));
            }
            every.add(new InferRequest.Output(ServedModel.PROBABILITIES, binary));
            every.add(new InferRequest.Output(ServedModel.LABEL, binary));
            outputs = every;
        }
        return answer(request, outputs, results);
    }

    private List<Classification> classifyTensor(InferRequest.Input input) {
        long[] want = {input.shape()[0], model.height(), model.width(), model.channels()};
        if (!"FP32".equals(input.datatype())) {
            throw HttpError.badRequest("inputs[0].datatype: '" + input.name() + "' is FP32, not " + input.datatype());
        }
        if (!Arrays.equals(input.shape(), want) || want[0] < 1) {
            throw HttpError.badRequest("inputs[0].shape: '" + input.name() + "' is [N, " + model.height() + ", "
                    + model.width() + ", " + model.channels() + "] with N at least 1, not "
                    + Arrays.toString(input.shape()));
        }
        return model.classifier().classifyPrepared(input.floats(), (int) want[0]);
    }

    private List<Classification> classifyPictures(InferRequest.Input input) {
        if (!"BYTES".equals(input.datatype())) {
            throw HttpError.badRequest("inputs[0].datatype: '" + ServedModel.PICTURE + "' is BYTES, not "
                    + input.datatype());
        }
        if (input.shape().length != 1 || input.shape()[0] < 1) {
            throw HttpError.badRequest("inputs[0].shape: '" + ServedModel.PICTURE + "' is [N] with N at least 1, not "
                    + Arrays.toString(input.shape()));
        }
        List<PreparedPicture> prepared = new ArrayList<>(input.bytes().size());
        for (int i = 0; i < input.bytes().size(); i++) {
            try {
                prepared.add(model.prepare(ServedModel.PICTURE + "[" + i + "]", input.bytes().get(i)));
            } catch (PictureException e) {
                throw HttpError.badRequest(e.getMessage());
            }
        }
        return model.classifier().classifyPrepared(prepared);
    }

    private Answer answer(InferRequest request, List<InferRequest.Output> outputs, List<Classification> results) {
        ObjectNode o = NODES.objectNode();
        o.put("model_name", model.name());
        o.put("model_version", ServedModel.VERSION);
        if (request.id() != null) {
            o.put("id", request.id());
        }
        ArrayNode list = o.putArray("outputs");
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        for (int i = 0; i < outputs.size(); i++) {
            InferRequest.Output want = outputs.get(i);
            ObjectNode t = list.addObject().put("name", want.name());
            if (want.name().equals(ServedModel.LABEL)) {
                t.put("datatype", "BYTES");
                t.putArray("shape").add(results.size());
                List<byte[]> labels = new ArrayList<>(results.size());
                results.forEach(c -> labels.add(c.label().getBytes(StandardCharsets.UTF_8)));
                if (want.binary()) {
                    byte[] b = bytesTensor(labels);
                    t.putObject("parameters").put("binary_data_size", b.length);
                    binary.writeBytes(b);
                } else {
                    ArrayNode data = t.putArray("data");
                    results.forEach(c -> data.add(c.label()));
                }
                continue;
            }
            float[] values;
            if (want.name().equals(model.outputName())) {
                values = modelOutput(results);
            } else if (want.name().equals(ServedModel.PROBABILITIES)) {
                values = probabilities(results);
            } else {
                throw HttpError.badRequest("outputs[" + i + "].name: '" + want.name() + "' is not an output of this"
                        + " model ('" + model.outputName() + "', '" + ServedModel.PROBABILITIES + "' or '"
                        + ServedModel.LABEL + "')");
            }
            t.put("datatype", "FP32");
            t.putArray("shape").add(results.size()).add(values.length / Math.max(1, results.size()));
            if (want.binary()) {
                ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(values);
                t.putObject("parameters").put("binary_data_size", b.capacity());
                binary.writeBytes(b.array());
            } else {
                ArrayNode data = t.putArray("data");
                for (float v : values) {
                    data.add(v);
                }
            }
        }
        byte[] json;
        try {
            json = Json.LINE.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer", e); // strings and numbers only
        }
        if (binary.size() == 0) {
            return new Answer(json, -1);
        }
        byte[] body = Arrays.copyOf(json, json.length + binary.size());
        System.arraycopy(binary.toByteArray(), 0, body, json.length, binary.size());
        return new Answer(body, json.length);
    }

    /** The model's own output: p for one unit, else every unit's probability. */
    private float[] modelOutput(List<Classification> results) {
        int units = model.units();
        float[] out = new float[results.size() * units];
        for (int i = 0; i < results.size(); i++) {
            Classification c = results.get(i);
            if (units == 1) {
                out[i] = c.probability();
            } else {
                for (int u = 0; u < units; u++) {
                    out[i * units + u] = (float) c.probabilities().get(u).probability();
                }
            }
        }
        return out;
    }

    /** Every label's probability, as {@link Classification#probabilities()} gives it, in float32. */
    private static float[] probabilities(List<Classification> results) {
        int labels = results.isEmpty() ? 0 : results.get(0).probabilities().size();
        float[] out = new float[results.size() * labels];
        for (int i = 0; i < results.size(); i++) {
            List<LabelProbability> all = results.get(i).probabilities();
            for (int l = 0; l < labels; l++) {
                out[i * labels + l] = (float) all.get(l).probability();
            }
        }
        return out;
    }

    /** BYTES in binary: each element a 4-byte little-endian length, then its bytes. */
    private static byte[] bytesTensor(List<byte[]> elements) {
        int size = elements.stream().mapToInt(e -> Integer.BYTES + e.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] e : elements) {
            b.putInt(e.length).put(e);
        }
        return b.array();
    }
}
