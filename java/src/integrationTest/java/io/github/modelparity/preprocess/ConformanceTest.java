package io.github.modelparity.preprocess;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.modelparity.ArtifactException;
import io.github.modelparity.PictureException;
import io.github.modelparity.TestData;
import io.github.modelparity.manifest.Manifest;
import io.github.modelparity.manifest.Recipe;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The conformance corpus (python -m tests.conformance, written to build/reference/conformance by
 * gradle's pythonReference task): every picture under every recipe becomes Python's model input
 * (the sha256 of its float32 little-endian bytes, and its shape) or is refused with Python's
 * reason class, by the corpus's own rule; a refusal where Python reads is allowed only as the
 * corpus states for Java (a progressive JPEG libjpeg-turbo block-smooths). Every manifest gets
 * Python's version-gate line, and Manifest.read refuses with "FILE: PROBLEM" or reads it.
 */
public class ConformanceTest {
    private static Path corpus;
    private static JsonNode index;

    @BeforeClass
    public static void readIndex() throws IOException {
        corpus = TestData.reference().resolve("conformance");
        Path file = corpus.resolve("conformance.json");
        assertTrue(file + " missing: run python -m tests.conformance " + corpus, Files.isRegularFile(file));
        index = new ObjectMapper().readTree(file.toFile());
    }

    /** A refusal's class by the corpus's rule: its classes' words, else the file's signature. */
    static String reasonClass(String reason, byte[] bytes) {
        String text = reason.toLowerCase(Locale.ROOT);
        for (JsonNode c : index.get("classes")) {
            for (JsonNode w : c.get("words")) {
                if (text.contains(w.asText().toLowerCase(Locale.ROOT))) {
                    return c.get("class").asText();
                }
            }
        }
        for (JsonNode signature : index.get("signatures")) {
            boolean all = true;
            for (JsonNode part : signature) {
                byte[] sig = HexFormat.of().parseHex(part.get("hex").asText());
                int at = part.get("offset").asInt();
                for (int i = 0; i < sig.length && all; i++) {
                    all = at + i < bytes.length && bytes[at + i] == sig[i];
                }
            }
            if (all) {
                return "damaged";
            }
        }
        return "not_a_picture";
    }

    static String sha256(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    public void everyPictureUnderEveryRecipeIsPythonsInputOrRefusal() throws IOException {
        Map<String, Preprocessor> recipes = new HashMap<>();
        for (Map.Entry<String, JsonNode> r : index.get("recipes").properties()) {
            recipes.put(r.getKey(), new Preprocessor(Manifest.DEFAULT_MAX_PIXELS,
                    Recipe.read(r.getValue().get("preprocessing"), corpus)));
        }
        List<String> stated = new ArrayList<>();
        index.get("stated").get("java").forEach(w -> stated.add(w.asText()));
        int equal = 0;
        int refused = 0;
        int statedRefusals = 0;
        Map<String, Integer> statedBy = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        String lastPicture = null;
        byte[] bytes = null;
        for (JsonNode c : index.get("cases")) {
            String picture = c.get("picture").asText();
            Preprocessor pre = recipes.get(c.get("recipe").asText());
            String where = c.get("recipe").asText() + " " + picture;
            String python = c.has("refusal") ? "refuses it as " + c.get("refusal").asText() + " ("
                    + c.get("reason").asText() + ")" : "reads it";
            if (!picture.equals(lastPicture)) {
                bytes = Files.readAllBytes(corpus.resolve(picture));
                lastPicture = picture;
            }
            float[] ours;
            try {
                ours = pre.load(picture, bytes);
            } catch (PictureException e) {
                String cls = reasonClass(e.reason(), bytes);
                if (c.has("refusal") && c.get("refusal").asText().equals(cls)) {
                    refused++;
                } else if (!c.has("refusal") && stated.stream().anyMatch(e.reason()::contains)) {
                    statedRefusals++;
                    statedBy.merge(stated.stream().filter(e.reason()::contains).findFirst().get(), 1, Integer::sum);
                } else {
                    failures.add(where + ": refused (" + cls + ": " + e.reason() + "), Python " + python);
                }
                continue;
            }
            if (c.has("refusal")) {
                failures.add(where + ": read, Python " + python);
                continue;
            }
            String shape = "[" + pre.height() + "," + pre.width() + "," + pre.channels() + "]";
            if (!c.get("shape").toString().equals(shape) || ours.length != pre.height() * pre.width() * pre.channels()) {
                failures.add(where + ": " + ours.length + " values of shape " + shape + ", Python's " + c.get("shape"));
            } else if (!sha256(ours).equals(c.get("sha256").asText())) {
                failures.add(where + ": the input differs from Python's (sha256 " + sha256(ours) + ", Python's "
                        + c.get("sha256").asText() + ")");
            } else {
                equal++;
            }
        }
        System.out.printf(Locale.ROOT, "conformance (Java): %d cases of %d pictures under %d recipes: %d inputs"
                + " equal, %d refused in Python's class, %d refused as stated %s, %d failing%n",
                index.get("cases").size(), index.get("pictures").size(), recipes.size(), equal, refused, statedRefusals,
                statedBy, failures.size());
        assertTrue(failures.size() + " cases differ from Python:\n" + String.join("\n",
                failures.subList(0, Math.min(30, failures.size()))), failures.isEmpty());
        assertEquals(index.get("cases").size(), equal + refused + statedRefusals);
    }

    @Test
    public void everyManifestGetsPythonsVersionGateLine() throws IOException {
        Path folder = corpus.resolve("manifests");
        ObjectMapper json = new ObjectMapper();
        int read = 0;
        for (JsonNode c : index.get("manifests")) {
            String name = c.get("name").asText();
            String expected = c.get("problem").isNull() ? null : c.get("problem").asText();
            Path dir = folder.resolve(name);
            Path file = dir.resolve(Manifest.FILE_NAME);
            assertEquals(name, expected, Manifest.versionProblem(json.readTree(file.toFile())));
            if (expected == null) {
                Manifest m = Manifest.read(dir); // any refusal here is a failure, version or not
                assertEquals(name, json.readTree(file.toFile()).get("preprocessing").get("version").intValue(),
                        m.preprocessingVersion());
                read++;
            } else {
                try {
                    Manifest.read(dir);
                    fail(name + ": read, Python says " + expected);
                } catch (ArtifactException e) {
                    assertEquals(name, file + ": " + expected, e.getMessage());
                }
            }
            System.out.println("versiongate (Java) " + name + ": " + (expected == null ? "read" : expected));
        }
        assertTrue("both read and refused manifests", read > 0 && read < index.get("manifests").size());
    }
}
