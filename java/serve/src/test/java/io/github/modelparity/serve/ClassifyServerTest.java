package io.github.modelparity.serve;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classifier;
import io.github.modelparity.TinyArtifacts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The service over the library's tiny mean model: V2 in JSON and binary, /v1/classify, refusals. */
public class ClassifyServerTest {
    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();
    private static final JsonMapper JSON = new JsonMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path artifacts;
    private static Classifier classifier;
    private static ClassifyServer server;

    @BeforeClass
    public static void start() throws Exception {
        artifacts = TinyArtifacts.write(TMP.newFolder("tiny").toPath());
        classifier = Classifier.open(artifacts, ArtifactFormat.ONNX);
        server = ClassifyServer.start("tiny", artifacts, classifier,
                new ClassifyServer.Settings("127.0.0.1", 0, 2, 8, 4096, Duration.ofSeconds(5)));
    }

    @AfterClass
    public static void stop() throws Exception {
        server.close();
        classifier.close();
    }

    private static HttpResponse<byte[]> post(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** The mean model: a picture of all v has probability v. */
    @Test
    public void v2JsonTensorsGiveTheModelsOutput() throws Exception {
        int n = TinyArtifacts.SIZE * TinyArtifacts.SIZE;
        float[] data = new float[2 * n];
        Arrays.fill(data, 0, n, 0.25f);
        Arrays.fill(data, n, 2 * n, 0.75f);
        String request = "{\"id\": \"r1\", \"inputs\": [{\"name\": \"picture\", \"datatype\": \"FP32\", \"shape\": [2, 8, 8, 1],"
                + " \"data\": " + Arrays.toString(data) + "}]}";
        HttpResponse<byte[]> r = post("/v2/models/tiny/infer", request.getBytes(StandardCharsets.UTF_8));
        assertEquals(new String(r.body(), StandardCharsets.UTF_8), 200, r.statusCode());
        JsonNode answer = json(r);
        assertEquals("r1", answer.get("id").asText());
        assertEquals("probability", answer.at("/outputs/0/name").asText());
        assertEquals(0.25, answer.at("/outputs/0/data/0").asDouble(), 1e-6);
        assertEquals(0.75, answer.at("/outputs/0/data/1").asDouble(), 1e-6);
        assertEquals(0.75, answer.at("/outputs/1/data/0").asDouble(), 1e-6); // not_selfie: 1 - 0.25
        assertEquals(TinyArtifacts.NEGATIVE, answer.at("/outputs/2/data/0").asText());
        assertEquals(TinyArtifacts.POSITIVE, answer.at("/outputs/2/data/1").asText());
    }

    @Test
    public void v2BinaryTensorsBothWays() throws Exception {
        int n = TinyArtifacts.SIZE * TinyArtifacts.SIZE;
        ByteBuffer tensor = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            tensor.putFloat(0.625f);
        }
        byte[] head = ("{\"inputs\": [{\"name\": \"picture\", \"datatype\": \"FP32\", \"shape\": [1, 8, 8, 1],"
                + " \"parameters\": {\"binary_data_size\": " + n * 4 + "}}],"
                + " \"outputs\": [{\"name\": \"probability\", \"parameters\": {\"binary_data\": true}}]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(head, head.length + n * 4);
        System.arraycopy(tensor.array(), 0, body, head.length, n * 4);
        HttpResponse<byte[]> r = post("/v2/models/tiny/infer", body,
                InferRequest.HEADER_LENGTH, Integer.toString(head.length));
        assertEquals(200, r.statusCode());
        int jsonLength = Integer.parseInt(r.headers().firstValue(InferRequest.HEADER_LENGTH).orElseThrow());
        JsonNode answer = JSON.readTree(Arrays.copyOf(r.body(), jsonLength));
        assertEquals(4, answer.at("/outputs/0/parameters/binary_data_size").asInt());
        float p = ByteBuffer.wrap(r.body(), jsonLength, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertEquals(0.625f, p, 1e-6f);
        assertEquals(jsonLength + 4, r.body().length);
    }

    @Test
    public void picturesAreReadPreparedAndRefusedByName() throws Exception {
        Path grey = TinyArtifacts.greyPicture(TMP.getRoot().toPath().resolve("grey.png"), 204, 16, 12);
        HttpResponse<byte[]> r = post("/v1/classify?top=1", Files.readAllBytes(grey));
        assertEquals(200, r.statusCode());
        assertEquals(204 / 255.0, json(r).get("probability").asDouble(), 1e-6);
        assertEquals(classifier.sha256(), json(r).get("model_sha256").asText());
        assertEquals(1, json(r).get("top").size());
        r = post("/v1/classify?name=x.png", new byte[] {1, 2, 3});
        assertEquals(400, r.statusCode());
        assertTrue(json(r).get("error").asText(), json(r).get("error").asText().startsWith("x.png: "));
        r = post("/v1/classify?top=0", Files.readAllBytes(grey));
        assertEquals(400, r.statusCode());
        assertTrue(json(r).get("error").asText().startsWith("top:"));
    }

    @Test
    public void refusalsNameTheField() throws Exception {
        String[][] cases = {
            {"{}", "inputs:"},
            {"{\"inputs\": [{\"name\": \"picture\", \"datatype\": \"FP32\", \"shape\": [1, 8, 8, 1], \"data\": [1, 2]}]}",
                "inputs[0].data:"},
            {"{\"inputs\": [{\"name\": \"nope\", \"datatype\": \"FP32\", \"shape\": [1], \"data\": [1]}]}",
                "inputs[0].name:"},
            {"{\"inputs\": [{\"name\": \"picture\", \"datatype\": \"FP32\", \"shape\": [1, -8], \"data\": []}]}",
                "inputs[0].shape[1]:"},
            {"{\"inputs\": [{\"name\": \"picture\", \"datatype\": \"FP32\", \"shape\": [1, 8, 8, 1],"
                + " \"parameters\": {\"binary_data_size\": 256}}]}", "inputs[0].parameters.binary_data_size:"},
            {"{\"inputs\": [{\"name\": \"picture_file\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"%%%\"]}]}",
                "inputs[0].data[0]:"},
            {"{\"inputs\": [{\"name\": \"picture_file\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"AQID\"]}]}",
                "picture_file[0]: "},
        };
        for (String[] c : cases) {
            HttpResponse<byte[]> r = post("/v2/models/tiny/infer", c[0].getBytes(StandardCharsets.UTF_8));
            assertEquals(c[0], 400, r.statusCode());
            assertTrue(c[0] + " -> " + json(r), json(r).get("error").asText().startsWith(c[1]));
        }
        assertEquals(404, post("/v2/models/other/infer", "{}".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(404, post("/nowhere", new byte[0]).statusCode());
        HttpResponse<byte[]> big = post("/v1/classify", new byte[5000]);
        assertEquals(413, big.statusCode());
        assertTrue(json(big).get("error").asText().contains("limit"));
    }

    /**
     * A refusal given before the body is read (404, 405) still leaves the connection usable:
     * a keep-alive client that sends its next request on it gets an answer, not a closed socket.
     */
    @Test
    public void refusalsBeforeTheBodyKeepTheConnection() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] body = new byte[3000];
        for (int i = 0; i < 300; i++) {
            String path = i % 2 == 0 ? "/v2/models/other/infer" : "/nowhere";
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(path + " #" + i, 404, r.statusCode());
        }
    }

    @Test
    public void metadataAndHealth() throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.port() + "/v2/models/tiny")).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode m = json(r);
        assertEquals("tiny", m.get("name").asText());
        assertEquals("[-1,8,8,1]", m.at("/inputs/0/shape").toString());
        assertEquals("picture_file", m.at("/inputs/1/name").asText());
        assertArrayEquals(new String[] {"probability", "probabilities", "label"},
                new String[] {m.at("/outputs/0/name").asText(), m.at("/outputs/1/name").asText(),
                              m.at("/outputs/2/name").asText()});
        for (String path : new String[] {"/v2/health/live", "/v2/health/ready", "/v2/models/tiny/ready", "/v2", "/"}) {
            assertEquals(path, 200, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }
}
