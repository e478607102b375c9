package io.github.modelparity.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.modelparity.ArtifactException;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.UnsupportedModelException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What manifest.json says about an artifacts folder: the model's input size, the
 * preprocessing version and pixel limit, the labels and threshold, the SavedModel's tag
 * and signature and the input names, and each artifact's path and sha256. Keys this
 * version does not know are ignored. Which versions are read is {@link #versionProblem}'s rule,
 * Python's (python.artifacts.manifest.version_problem) in the same words.
 *
 * @param folder the artifacts folder
 * @param height input height in pixels
 * @param width input width in pixels
 * @param channels input channels (1: grey, 3: RGB)
 * @param labels the labels in the model's output order: [negative, positive] for one unit
 * @param classes the model's output units: 1 (a sigmoid, labelled by the threshold) or
 *                labels.size() (a softmax)
 * @param threshold one unit: the positive label is chosen when probability &gt;= threshold;
 *                  NaN for a softmax
 * @param preprocessingVersion the preprocessing spec version (3: any recipe, described by
 *                             structured fields, on the fast route; 4: the same and the route,
 *                             faithful or fast)
 * @param maxPixels pictures with more pixels are refused (preprocessing.max_pixels)
 * @param recipe the preprocessing's fields
 * @param signature how the models are called (manifest "signature")
 * @param artifacts name to artifact, in the manifest's order
 */
public record Manifest(Path folder, int height, int width, int channels, List<String> labels, int classes,
                       double threshold, int preprocessingVersion, long maxPixels, Recipe recipe,
                       Signature signature, Map<String, Artifact> artifacts) {
    /** The manifest schema_version this library reads (the only one). */
    public static final int SCHEMA_VERSION = 3;
    /** The oldest preprocessing.version this library reads (3: structured fields, the fast route). */
    public static final int OLDEST_PREPROCESSING_VERSION = 3;
    /** The newest preprocessing.version this library reads (4: the route, faithful or fast). */
    public static final int PREPROCESSING_VERSION = 4;
    public static final String FILE_NAME = "manifest.json";
    /** preprocessing.max_pixels when the manifest has none (Pillow's default limit). */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    /**
     * Python's json module writes NaN, Infinity and -Infinity: the reader accepts them. An
     * ObjectReader is immutable and safe to share between threads.
     */
    private static final ObjectReader READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build()
            .reader();

    /**
     * One entry of the manifest's artifacts.
     *
     * @param name the artifact's name (savedmodel, onnx, ...)
     * @param path relative to the artifacts folder, '/'-separated
     * @param format the manifest's format string
     * @param sha256 lowercase hex (for a folder, by the manifest's digest_rule)
     */
    public record Artifact(String name, String path, String format, String sha256) {
    }

    /**
     * The manifest's "signature": how the SavedModel is loaded and called and what the ONNX
     * models' input and output are named. A null name means "the model's only one".
     *
     * @param tag the SavedModel tag (serve)
     * @param name the SavedModel signature (serving_default)
     * @param input the signature's input name
     * @param output the signature's output name
     * @param onnxInput the ONNX models' input name
     * @param onnxOutput the ONNX models' output name
     */
    public record Signature(String tag, String name, String input, String output,
                            String onnxInput, String onnxOutput) {
        /** What manifests without "signature" meant: tag serve, signature serving_default. */
        public static final Signature DEFAULT = new Signature("serve", "serving_default", null, null, null, null);
    }

    public Manifest {
        labels = List.copyOf(labels);
        artifacts = Collections.unmodifiableMap(new LinkedHashMap<>(artifacts));
    }

    /** Reads folder/manifest.json; a missing or malformed manifest is an ArtifactException. */
    public static Manifest read(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        JsonNode json;
        try {
            json = READER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ArtifactException(file + ": no manifest; run python -m python.export first");
        } catch (JsonProcessingException e) {
            throw new ArtifactException(file + ": not a valid manifest (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new ArtifactException(file + ": cannot read the manifest (" + e + ")", e);
        }
        if (json == null || json.isMissingNode()) {
            throw new ArtifactException(file + ": not a valid manifest (no JSON value)");
        }
        String problem = versionProblem(json);
        if (problem != null) {
            throw new ArtifactException(file + ": " + problem);
        }
        return parse(folder, json);
    }

    /**
     * Why a parsed manifest's versions keep this library from reading it, or null: Python's
     * rule and words (python.artifacts.manifest.version_problem; tests.versiongate writes the
     * cases all three readers are held to). schema_version must be {@value #SCHEMA_VERSION} and
     * preprocessing.version {@value #OLDEST_PREPROCESSING_VERSION} to
     * {@value #PREPROCESSING_VERSION}, schema_version looked at first. A newer one was written by
     * a newer exporter (update the library); an older one is not read (export again); anything
     * but a whole number (missing, null, text, 3.0) is named as JSON, as Python's json.dumps
     * writes it.
     *
     * @param json the parsed manifest.json
     * @return the one line that follows the file's name, or null when the versions are read
     */
    public static String versionProblem(JsonNode json) {
        if (json == null || !json.isObject() || !json.path("preprocessing").isObject()) {
            return "not a manifest (no schema_version and preprocessing): export again";
        }
        String[] names = {"schema_version", "preprocessing version"};
        JsonNode[] found = {json.path("schema_version"), json.get("preprocessing").path("version")};
        int[][] reads = {{SCHEMA_VERSION, SCHEMA_VERSION}, {OLDEST_PREPROCESSING_VERSION, PREPROCESSING_VERSION}};
        for (int i = 0; i < names.length; i++) {
            int oldest = reads[i][0];
            int newest = reads[i][1];
            String range = oldest == newest ? String.valueOf(oldest) : oldest + " to " + newest;
            JsonNode value = found[i];
            if (!value.isIntegralNumber()) { // Python's int: not a float, not a bool
                return names[i] + " " + PythonJson.dumps(value) + " is not a whole number: export again";
            }
            BigInteger v = value.bigIntegerValue();
            if (v.compareTo(BigInteger.valueOf(newest)) > 0) {
                return "written by a newer exporter (" + names[i] + " " + v + ", this library reads " + range
                        + "): update the library";
            }
            if (v.compareTo(BigInteger.valueOf(oldest)) < 0) {
                return names[i] + " " + v + " is older than this library reads (" + range + "): export again";
            }
        }
        return null;
    }

    private static Manifest parse(Path folder, JsonNode json) {
        Path file = folder.resolve(FILE_NAME);
        JsonNode input = object(json, "input", file);
        int height = integer(input, "height", file);
        int width = integer(input, "width", file);
        int channels = integer(input, "channels", file);
        JsonNode dtype = input.get("dtype");
        if (dtype != null && !"float32".equals(dtype.asText())) {
            throw new ArtifactException(file + ": input dtype " + dtype.asText() + " is not supported (float32 only)");
        }
        if (height < 1 || width < 1) {
            throw new ArtifactException(file + ": input " + height + "x" + width + " is not a size");
        }
        if (channels != 1 && channels != 3) {
            throw new UnsupportedModelException(file + ": input.channels " + channels
                    + " is not supported by this modelparity (1 grey or 3 RGB)");
        }
        JsonNode pre = object(json, "preprocessing", file);
        int version = pre.get("version").intValue(); // versionProblem's: 3 or 4
        JsonNode mp = pre.get("max_pixels");
        long maxPixels = mp != null && mp.isNumber() ? mp.asLong() : DEFAULT_MAX_PIXELS;
        Recipe recipe = recipeFor(pre, height, width, channels, file);
        JsonNode labelsJson = json.get("labels");
        if (labelsJson == null || !labelsJson.isArray() || labelsJson.size() < 2) {
            throw new ArtifactException(file + ": labels must be a list of at least two names");
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode label : labelsJson) {
            if (!label.isTextual()) {
                throw new ArtifactException(file + ": labels must be names, not " + label);
            }
            labels.add(label.asText());
        }
        JsonNode output = json.get("output");
        JsonNode classesJson = output == null ? null : output.get("classes");
        int classes = classesJson == null ? 1 : integer(output, "classes", file);
        if (classes == 1 ? labels.size() != 2 : classes != labels.size()) {
            throw new ArtifactException(file + ": output.classes " + classes + " does not fit " + labels.size()
                    + " labels (one sigmoid unit takes two labels, a softmax one label a unit)");
        }
        JsonNode t = json.get("threshold");
        if (classes == 1 && (t == null || !t.isNumber())) {
            throw new ArtifactException(file + ": threshold missing or not a number (a one-unit model needs one)");
        }
        double threshold = classes == 1 ? t.doubleValue() : Double.NaN;
        Signature signature = Signature.DEFAULT;
        JsonNode s = json.get("signature");
        if (s != null && s.isObject()) {
            signature = new Signature(optionalText(s, "tag", Signature.DEFAULT.tag()),
                    optionalText(s, "name", Signature.DEFAULT.name()), optionalText(s, "input", null),
                    optionalText(s, "output", null), optionalText(s, "onnx_input", null),
                    optionalText(s, "onnx_output", null));
        }
        Map<String, Artifact> artifacts = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object(json, "artifacts", file).properties()) {
            JsonNode a = e.getValue();
            if (!a.isObject()) {
                throw new ArtifactException(file + ": artifact " + e.getKey() + " is not an object");
            }
            artifacts.put(e.getKey(), new Artifact(e.getKey(), text(a, "path", file),
                    a.path("format").asText(), text(a, "sha256", file)));
        }
        return new Manifest(folder, height, width, channels, labels, classes, threshold, version, maxPixels,
                recipe, signature, artifacts);
    }

    /** The recipe, refused unless it makes the model's input (channels, height, width). */
    private static Recipe recipeFor(JsonNode pre, int height, int width, int channels, Path file) {
        Recipe recipe = Recipe.read(pre, file);
        if (recipe.channels() != channels) {
            throw new ArtifactException(file + ": preprocessing.color makes " + recipe.channels()
                    + " channels, input.channels is " + channels);
        }
        int[] made = recipe.outputSize();
        if (made[0] != height || made[1] != width) {
            throw new ArtifactException(file + ": preprocessing makes " + made[1] + " x " + made[0]
                    + " pictures (size, or crop_size after a crop), the input is " + width + " x " + height);
        }
        return recipe;
    }

    /**
     * The artifact's path after checking that the manifest lists it, that it exists and
     * that its sha256 matches: anything else is an ArtifactException naming the file.
     */
    public Path checkedArtifact(ArtifactFormat format) {
        Path file = folder.resolve(FILE_NAME);
        Artifact a = artifacts.get(format.key());
        if (a == null) {
            throw new ArtifactException(file + ": no artifact '" + format.key() + "' (has "
                    + String.join(", ", artifacts.keySet()) + ")");
        }
        Path path = inside(file, format.key(), a.path());
        if (!Files.exists(path)) {
            throw new ArtifactException(path + ": artifact '" + format.key() + "' is missing");
        }
        String digest;
        try {
            digest = Digests.sha256(path);
        } catch (IOException e) {
            throw new ArtifactException(path + ": cannot read artifact '" + format.key() + "' (" + e + ")", e);
        }
        if (!digest.equalsIgnoreCase(a.sha256())) {
            throw new ArtifactException(path + ": artifact '" + format.key() + "' was altered (sha256 "
                    + digest.substring(0, 12) + "..., manifest says "
                    + a.sha256().substring(0, Math.min(12, a.sha256().length())) + "...)");
        }
        return path;
    }

    /**
     * The artifact's path, refused unless it stays inside the folder: an absolute path, a
     * {@code ..} that leaves it, or a symbolic link pointing outside would let an altered
     * manifest load any file whose digest it knows. The same rule as Python's
     * {@code python.artifacts.manifest.artifact_path}.
     */
    private Path inside(Path manifestFile, String name, String relative) {
        Path path = folder.resolve(relative);
        boolean escapes;
        try {
            Path root = folder.toRealPath();
            Path real = Files.exists(path) ? path.toRealPath() : path.toAbsolutePath().normalize();
            escapes = Path.of(relative).isAbsolute() || !real.startsWith(root);
        } catch (IOException e) {
            throw new ArtifactException(path + ": cannot resolve artifact '" + name + "' (" + e + ")", e);
        }
        if (escapes) {
            throw new ArtifactException(manifestFile + ": artifact '" + name + "' path '" + relative
                    + "' leaves the artifacts folder");
        }
        return path;
    }

    /** Floats in one picture's input: height * width * channels. */
    public int pictureSize() {
        return height * width * channels;
    }

    private static JsonNode object(JsonNode json, String key, Path file) {
        JsonNode v = json.get(key);
        if (v == null || !v.isObject()) {
            throw new ArtifactException(file + ": '" + key + "' missing or not an object");
        }
        return v;
    }

    private static int integer(JsonNode json, String key, Path file) {
        JsonNode v = json.get(key);
        if (v == null || !v.isNumber() || v.doubleValue() != Math.rint(v.doubleValue())
                || Math.abs(v.doubleValue()) > Integer.MAX_VALUE) {
            throw new ArtifactException(file + ": '" + key + "' missing or not a whole number");
        }
        return v.intValue();
    }

    private static String text(JsonNode json, String key, Path file) {
        JsonNode v = json.get(key);
        if (v == null || !v.isTextual()) {
            throw new ArtifactException(file + ": '" + key + "' missing or not a string");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode json, String key, String otherwise) {
        JsonNode v = json.get(key);
        return v != null && v.isTextual() ? v.asText() : otherwise;
    }
}
