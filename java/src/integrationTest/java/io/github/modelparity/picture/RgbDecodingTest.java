package io.github.modelparity.picture;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.modelparity.Npy;
import io.github.modelparity.PictureException;
import io.github.modelparity.TestData;
import io.github.modelparity.preprocess.Preprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/**
 * Java's RGB decoding against python.data.decode.decode_pixels with an RGB recipe, on the
 * pictures of tests/rgbpictures.py (PNG RGB, RGBA, palette with and without transparency,
 * grey, grey with alpha; JPEG 4:4:4, 4:2:0, progressive, grey, EXIF-rotated, CMYK; lossless
 * WebP) and the reference's odd pictures: every sample equal, or the same refusal.
 */
public class RgbDecodingTest {
    /** The test recipe's limits: 224 x 224, so no picture here reaches the 1/8 JPEG route. */
    private static final DecodeOptions RGB = new DecodeOptions(50_000_000L, 2 * 224, 0, 3);

    @Test
    public void everyPictureDecodesToPythonsRgb() throws IOException {
        Path dir = TestData.reference().resolve("rgb");
        JsonNode cases = new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("rgb.json")));
        assertTrue("too few pictures: " + cases.size(), cases.size() >= 30);
        int jpegs = 0;
        for (JsonNode c : cases) {
            Path picture = TestData.root().resolve(c.get("path").asText());
            byte[] bytes = PictureDecoder.readFile(picture);
            if (c.has("refusal")) {
                try {
                    Preprocessor.decoder().decodeRgb(picture, bytes, RGB);
                    fail(picture + " was accepted; Python refused it: " + c.get("refusal").asText());
                } catch (PictureException e) {
                    continue;
                }
            }
            Pixels ours;
            try {
                ours = Preprocessor.decoder().decodeRgb(picture, bytes, RGB);
            } catch (PictureException e) {
                throw new AssertionError(picture + ": refused, Python accepted it: " + e.getMessage(), e);
            }
            float[] python = Npy.read(TestData.root().resolve(c.get("pixels").asText())).data;
            assertEquals(picture + " width", c.get("width").asInt(), ours.width());
            assertEquals(picture + " height", c.get("height").asInt(), ours.height());
            assertEquals(picture + " channels", 3, ours.channels());
            int differ = 0;
            int worst = 0;
            for (int i = 0; i < python.length; i++) {
                int d = Math.abs(ours.sample(i) - (int) python[i]);
                differ += d == 0 ? 0 : 1;
                worst = Math.max(worst, d);
            }
            if (differ > 0) {
                throw new AssertionError(picture + ": " + differ + " of " + python.length
                        + " samples differ from Python's, by up to " + worst);
            }
            jpegs += picture.toString().endsWith(".jpg") ? 1 : 0;
        }
        assertTrue("JPEGs " + jpegs, jpegs >= 10);
        System.out.println("RgbDecodingTest: " + cases.size() + " pictures, every RGB sample equal to Python's");
    }
}
