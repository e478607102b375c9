package selfie.classify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What manifest.json says about an artifacts folder: the model's input size, the
 * preprocessing version, the labels and threshold, and each artifact's path and sha256.
 * Immutable.
 */
public final class Manifest {
    /** The preprocessing spec version this code implements (manifest preprocessing.version). */
    public static final int PREPROCESSING_VERSION = 1;
    public static final String FILE_NAME = "manifest.json";

    private final Path folder;
    private final int height;
    private final int width;
    private final int channels;
    private final List<String> labels;
    private final double threshold;
    private final long maxPixels;
    private final Map<String, Artifact> artifacts;

    /** One entry of the manifest's artifacts: a file or folder relative to the artifacts folder. */
    public static final class Artifact {
        private final String name;
        private final String path;
        private final String format;
        private final String sha256;

        Artifact(String name, String path, String format, String sha256) {
            this.name = name;
            this.path = path;
            this.format = format;
            this.sha256 = sha256;
        }

        public String name() {
            return name;
        }

        /** Relative to the artifacts folder, '/'-separated. */
        public String path() {
            return path;
        }

        public String format() {
            return format;
        }

        public String sha256() {
            return sha256;
        }
    }

    private Manifest(Path folder, Map<String, Object> json) {
        Path file = folder.resolve(FILE_NAME);
        this.folder = folder;
        Map<String, Object> input = map(json, "input", file);
        this.height = integer(input, "height", file);
        this.width = integer(input, "width", file);
        this.channels = integer(input, "channels", file);
        Object dtype = input.get("dtype");
        if (dtype != null && !"float32".equals(dtype)) {
            throw new ArtifactException(file + ": input dtype " + dtype + " is not supported (float32 only)");
        }
        if (height < 1 || width < 1 || channels != 1) {
            throw new ArtifactException(file + ": input " + height + "x" + width + "x" + channels
                    + " is not supported (one grey channel expected)");
        }
        Map<String, Object> pre = map(json, "preprocessing", file);
        int version = integer(pre, "version", file);
        if (version != PREPROCESSING_VERSION) {
            throw new ArtifactException(file + ": preprocessing version " + version
                    + " is not supported by this selfie-classify (it implements version "
                    + PREPROCESSING_VERSION + ")");
        }
        Object mp = pre.get("max_pixels");
        this.maxPixels = mp instanceof Double ? ((Double) mp).longValue() : 50_000_000L;
        Object labelsJson = json.get("labels");
        if (!(labelsJson instanceof List) || ((List<?>) labelsJson).size() != 2) {
            throw new ArtifactException(file + ": labels must be a list of two names");
        }
        String[] names = new String[2];
        for (int i = 0; i < 2; i++) {
            names[i] = String.valueOf(((List<?>) labelsJson).get(i));
        }
        this.labels = List.of(names);
        Object t = json.get("threshold");
        if (!(t instanceof Double)) {
            throw new ArtifactException(file + ": threshold missing or not a number");
        }
        this.threshold = (Double) t;
        Map<String, Artifact> found = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : map(json, "artifacts", file).entrySet()) {
            if (!(e.getValue() instanceof Map)) {
                throw new ArtifactException(file + ": artifact " + e.getKey() + " is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) e.getValue();
            found.put(e.getKey(), new Artifact(e.getKey(), text(a, "path", file),
                    String.valueOf(a.get("format")), text(a, "sha256", file)));
        }
        this.artifacts = Collections.unmodifiableMap(found);
    }

    /** Reads folder/manifest.json; a missing or malformed manifest is an ArtifactException. */
    public static Manifest read(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ArtifactException(file + ": no manifest; run python -m python.export first");
        } catch (IOException e) {
            throw new ArtifactException(file + ": cannot read the manifest (" + e + ")", e);
        }
        Object json;
        try {
            json = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ArtifactException(file + ": not a valid manifest (" + e.getMessage() + ")", e);
        }
        if (!(json instanceof Map)) {
            throw new ArtifactException(file + ": not a valid manifest (not a JSON object)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) json;
        return new Manifest(folder, m);
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
        Path path = folder.resolve(a.path());
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

    public Path folder() {
        return folder;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int channels() {
        return channels;
    }

    /** Floats in one picture's input: height * width * channels. */
    public int pictureSize() {
        return height * width * channels;
    }

    /** [negative, positive]. */
    public List<String> labels() {
        return labels;
    }

    /** The positive label is chosen when probability >= threshold. */
    public double threshold() {
        return threshold;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public Map<String, Artifact> artifacts() {
        return artifacts;
    }

    /** labels[1] if p >= threshold, else labels[0]. */
    public String labelFor(float probability) {
        return labels.get(probability >= threshold ? 1 : 0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> json, String key, Path file) {
        Object v = json.get(key);
        if (!(v instanceof Map)) {
            throw new ArtifactException(file + ": '" + key + "' missing or not an object");
        }
        return (Map<String, Object>) v;
    }

    private static int integer(Map<String, Object> json, String key, Path file) {
        Object v = json.get(key);
        if (!(v instanceof Double) || ((Double) v) != Math.rint((Double) v)) {
            throw new ArtifactException(file + ": '" + key + "' missing or not a whole number");
        }
        return ((Double) v).intValue();
    }

    private static String text(Map<String, Object> json, String key, Path file) {
        Object v = json.get(key);
        if (!(v instanceof String)) {
            throw new ArtifactException(file + ": '" + key + "' missing or not a string");
        }
        return (String) v;
    }
}
