package io.github.modelparity;

import io.github.modelparity.manifest.Manifest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * An artifacts folder made in Java, for unit tests that need no Python and no training:
 * model.onnx is a hand-encoded ONNX graph whose "probability" is the mean of the picture's
 * pixels (ReduceMean over H, W, C), so a uniform grey picture of value v scores v / 255;
 * manifest.json is written as python.export writes it, NaN and unknown keys included.
 */
public final class TinyArtifacts {
    public static final int SIZE = 8;
    public static final String NEGATIVE = "not_selfie";
    public static final String POSITIVE = "selfie";

    private TinyArtifacts() {
    }

    /**
     * The start of {@link #write}'s preprocessing object: version 3, grey, bilinear to
     * SIZE x SIZE, times 1/255 (max_pixels and an unknown key follow).
     */
    public static final String GREY_PREPROCESSING = ("\"preprocessing\": {\"version\": 3, \"color\": \"grey\","
            + " \"do_resize\": true, \"size\": {\"height\": %d, \"width\": %d, \"shortest_edge\": null},"
            + " \"resample\": 2, \"do_center_crop\": false, \"crop_size\": null, \"do_rescale\": true,"
            + " \"rescale_factor\": 0.00392156862745098, \"do_normalize\": false, \"image_mean\": [],"
            + " \"image_std\": [],").formatted(SIZE, SIZE);

    /** Writes model.onnx and manifest.json into folder; returns folder. */
    public static Path write(Path folder) throws IOException {
        String artifacts = model(folder, meanModel(SIZE, SIZE));
        String manifest = """
                {
                  "format_version": 1,
                  "schema_version": 3,
                  "input": {"height": %d, "width": %d, "channels": 1, "dtype": "float32", "layout": "NHWC"},
                  "signature": {"tag": "serve", "name": "serving_default", "input": "picture",
                                "output": "output_0", "onnx_input": "picture", "onnx_output": "probability"},
                  %s "max_pixels": 1000000, "some_future_key": [1, 2]},
                  "labels": ["%s", "%s"],
                  "threshold": 0.5,
                  "artifacts": %s,
                  "parity": {"onnx/onnxruntime": {"max_abs_diff": NaN, "worst": Infinity, "best": -Infinity}}
                }
                """.formatted(SIZE, SIZE, GREY_PREPROCESSING, NEGATIVE, POSITIVE, artifacts);
        Files.writeString(folder.resolve(Manifest.FILE_NAME), manifest);
        return folder;
    }

    /** The labels of {@link #writeRgb}: one a channel. */
    public static final java.util.List<String> COLOURS = java.util.List.of("red", "green", "blue");

    /**
     * Writes an RGB three-class artifacts folder: model.onnx is the softmax of the picture's
     * three channel means (ReduceMean over H and W, then Softmax), so a reddish picture is
     * "red"; manifest.json has preprocessing version 3 (RGB, bilinear to 8 x 8, x / 255) and
     * output.classes 3 with no threshold. Returns folder.
     */
    public static Path writeRgb(Path folder) throws IOException {
        String artifacts = model(folder, channelSoftmaxModel(SIZE, SIZE));
        String manifest = """
                {
                  "format_version": 1,
                  "schema_version": 3,
                  "input": {"height": %d, "width": %d, "channels": 3, "dtype": "float32", "layout": "NHWC"},
                  "output": {"classes": 3, "activation": "softmax"},
                  "signature": {"tag": "serve", "name": "serving_default", "input": "picture",
                                "output": "output_0", "onnx_input": "picture", "onnx_output": "probability"},
                  "preprocessing": {"version": 3, "max_pixels": 1000000, "color": "rgb", "do_resize": true,
                    "size": {"height": %d, "width": %d, "shortest_edge": null}, "resample": 2,
                    "do_center_crop": false, "crop_size": null, "do_rescale": true,
                    "rescale_factor": 0.00392156862745098, "do_normalize": false, "image_mean": [], "image_std": []},
                  "labels": ["red", "green", "blue"],
                  "threshold": null,
                  "artifacts": %s
                }
                """.formatted(SIZE, SIZE, SIZE, SIZE, artifacts);
        Files.writeString(folder.resolve(Manifest.FILE_NAME), manifest);
        return folder;
    }

    /** Writes folder/model.onnx; returns the manifest's "artifacts" object listing it. */
    private static String model(Path folder, byte[] onnx) throws IOException {
        Files.createDirectories(folder);
        Path model = folder.resolve("model.onnx");
        Files.write(model, onnx);
        return "{\"onnx\": {\"path\": \"model.onnx\", \"format\": \"onnx\", \"bytes\": " + Files.size(model)
                + ", \"sha256\": \"" + sha256(model) + "\"}}";
    }

    /** A uniform RGB PNG of the given colour and size. */
    public static Path rgbPicture(Path file, int red, int green, int blue, int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** The file's sha256 in lowercase hex, as the manifest lists it (a test's own, not the library's). */
    private static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A uniform grey PNG of the given value (0..255) and size. */
    public static Path greyPicture(Path file, int value, int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, width, height, 0, filled(width * height, value));
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    // ---- a minimal protobuf writer for onnx.proto's ModelProto ----

    /** picture float[batch, h, w, 1] -> ReduceMean(axes 1, 2, 3, keepdims) -> probability [batch, 1, 1, 1]. */
    public static byte[] meanModel(int height, int width) {
        byte[] node = concat(
                text(1, "picture"), text(2, "probability"), text(3, "mean"), text(4, "ReduceMean"),
                message(5, concat(text(1, "axes"), varintField(8, 1), varintField(8, 2), varintField(8, 3),
                        varintField(20, 7))), // AttributeProto: ints, type INTS
                message(5, concat(text(1, "keepdims"), varintField(3, 1), varintField(20, 2)))); // INT
        byte[] graph = concat(
                message(1, node), text(2, "tiny"),
                message(11, valueInfo("picture", height, width, 1)),
                message(12, valueInfo("probability", 1, 1, 1)));
        return concat(
                varintField(1, 8), // ir_version
                text(2, "modelparity-java tests"),
                message(7, graph),
                message(8, concat(text(1, ""), varintField(2, 13)))); // opset 13
    }

    /** picture float[batch, h, w, 3] -> ReduceMean(axes 1, 2) -> Softmax(axis 1) -> probability [batch, 3]. */
    static byte[] channelSoftmaxModel(int height, int width) {
        byte[] mean = concat(
                text(1, "picture"), text(2, "means"), text(3, "mean"), text(4, "ReduceMean"),
                message(5, concat(text(1, "axes"), varintField(8, 1), varintField(8, 2), varintField(20, 7))),
                message(5, concat(text(1, "keepdims"), varintField(3, 0), varintField(20, 2))));
        byte[] softmax = concat(
                text(1, "means"), text(2, "probability"), text(3, "softmax"), text(4, "Softmax"),
                message(5, concat(text(1, "axis"), varintField(3, 1), varintField(20, 2))));
        byte[] graph = concat(
                message(1, mean), message(1, softmax), text(2, "tiny_rgb"),
                message(11, valueInfo("picture", height, width, 3)),
                message(12, valueInfo("probability", 3)));
        return concat(varintField(1, 8), text(2, "modelparity-java tests"), message(7, graph),
                message(8, concat(text(1, ""), varintField(2, 13))));
    }

    /** ValueInfoProto: float tensor [batch, dims...] with a symbolic batch. */
    private static byte[] valueInfo(String name, int... dims) {
        byte[] shape = message(1, text(2, "batch"));
        for (int d : dims) {
            shape = concat(shape, message(1, varintField(1, d)));
        }
        byte[] tensor = concat(varintField(1, 1), message(2, shape)); // elem_type FLOAT
        return concat(text(1, name), message(2, message(1, tensor)));
    }

    private static byte[] varintField(int field, long value) {
        return concat(varint((long) field << 3), varint(value));
    }

    private static byte[] text(int field, String s) {
        return message(field, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] message(int field, byte[] body) {
        return concat(varint((long) field << 3 | 2), varint(body.length), body);
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
