package io.github.selfiedeploy.classify.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.selfiedeploy.classify.ArtifactException;
import io.github.selfiedeploy.classify.ArtifactFormat;
import io.github.selfiedeploy.classify.UnsupportedModelException;
import java.io.IOException;
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
 * version does not know are ignored.
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
 * @param preprocessingVersion the preprocessing spec version (1 or 2: 2 reduces large pictures;
 *                             3: any recipe, described by structured fields, on the fast
 *                             route; 4: the same and the route, faithful or fast)
 * @param maxPixels pictures with more pixels are refused (preprocessing.max_pixels)
 * @param recipe versions 3 and 4's preprocessing fields; null for versions 1 and 2 (grey, bilinear to
 *               the input size, divided by 255)
 * @param signature how the models are called (manifest "signature")
 * @param artifacts name to artifact, in the manifest's order
 */
public record Manifest(Path folder, int height, int width, int channels, List<String> labels, int classes,
                       double threshold, int preprocessingVersion, long maxPixels, Recipe recipe,
                       Signature signature, Map<String, Artifact> artifacts) {
    /**
     * The newest preprocessing spec version this code implements (manifest
     * preprocessing.version); it implements versions 1 to 3 too, for artifacts exported before.
     */
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
        if (json == null || !json.isObject()) {
            throw new ArtifactException(file + ": not a valid manifest (not a JSON object)");
        }
        return parse(folder, json);
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
                    + " is not supported by this selfie-classify (1 grey or 3 RGB)");
        }
        JsonNode pre = object(json, "preprocessing", file);
        int version = integer(pre, "version", file);
        if (version < 1 || version > PREPROCESSING_VERSION) {
            throw new ArtifactException(file + ": preprocessing version " + version
                    + " is not supported by this selfie-classify (it implements versions 1 to "
                    + PREPROCESSING_VERSION + ")");
        }
        if (version < 3 && channels != 1) {
            throw new ArtifactException(file + ": preprocessing version " + version + " is grey only, input.channels is "
                    + channels);
        }
        JsonNode mp = pre.get("max_pixels");
        long maxPixels = mp != null && mp.isNumber() ? mp.asLong() : DEFAULT_MAX_PIXELS;
        Recipe recipe = version >= 3 ? recipeFor(pre, height, width, channels, file) : null;
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

    /** Version 3 or 4's recipe, refused unless it makes the model's input (channels, height, width). */
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
