package io.github.selfiedeploy.classify.picture.jpeg;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfiedeploy.classify.PictureException;
import io.github.selfiedeploy.classify.TestData;
import io.github.selfiedeploy.classify.picture.Pixels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/**
 * {@link JpegDc#rgbPixels()} against Pillow's draft("RGB") on the colour JPEGs of
 * tests/jpegdcrgb.py (4:4:4 and 4:2:0, baseline and progressive, odd sizes, restarts,
 * qualities to 100, YCbCr without JFIF, equal sampling factors other than 1x1): every sample
 * of every picture equal, max abs diff 0. The progressive ones that libjpeg block-smooths
 * visibly at this scale, and those Pillow refuses, must be refused.
 */
public class JpegRgbDcTest {
    @Test
    public void everySampleEqualsPillowsDraftRgb() throws IOException {
        Path dir = TestData.reference().resolve("jpegrgb");
        JsonNode cases = new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("jpegrgb.json")));
        assertTrue("too few pictures: " + cases.size(), cases.size() >= 60);
        int compared = 0;
        int smoothed = 0;
        int refused = 0;
        int subsampled = 0;
        long samples = 0;
        int worst = 0;
        StringBuilder failures = new StringBuilder();
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            JpegDc jpeg = new JpegDc(Files.readAllBytes(dir.resolve(name + ".jpg")), Path.of(name + ".jpg"));
            JpegDc.Header header = jpeg.headers();
            assertTrue(name + ": not taken for the 1/8 RGB route", header != null && header.rgbDc());
            String expect = c.get("expect").asText();
            if (expect.equals("smoothed")) {
                try {
                    jpeg.rgbPixels();
                    fail(name + ": accepted, but libjpeg block-smooths it and this reader does not");
                } catch (PictureException e) {
                    assertTrue(e.getMessage(), e.reason().contains("block smoothing"));
                    smoothed++;
                    continue;
                }
            }
            if (expect.equals("refused")) {
                try {
                    jpeg.rgbPixels();
                    fail(name + ": accepted; Pillow refused it: " + c.get("refusal").asText());
                } catch (PictureException e) {
                    refused++;
                    continue;
                }
            }
            Pixels ours;
            try {
                ours = jpeg.rgbPixels();
            } catch (PictureException e) {
                throw new AssertionError(name + ": refused, Pillow decodes it: " + e.getMessage(), e);
            }
            byte[] python = Files.readAllBytes(dir.resolve(name + ".rgb"));
            assertEquals(name + " width", c.get("width").asInt(), ours.width());
            assertEquals(name + " height", c.get("height").asInt(), ours.height());
            assertEquals(name + " channels", 3, ours.channels());
            assertEquals(name + " samples", python.length, ours.samples().length);
            int differ = 0;
            int worstHere = 0;
            for (int i = 0; i < python.length; i++) {
                int d = Math.abs(ours.sample(i) - (python[i] & 0xFF));
                differ += d == 0 ? 0 : 1;
                worstHere = Math.max(worstHere, d);
            }
            if (differ > 0) {
                failures.append(String.format("%n  %s: %d of %d samples differ, by up to %d", name, differ,
                        python.length, worstHere));
            }
            compared++;
            subsampled += name.contains("-420-") ? 1 : 0;
            samples += python.length;
            worst = Math.max(worst, worstHere);
        }
        System.out.println("JpegRgbDcTest: " + compared + " pictures compared (" + subsampled + " 4:2:0), "
                + samples + " samples, max abs diff " + worst + "; refused " + smoothed + " that libjpeg smooths, "
                + refused + " that Pillow refuses");
        if (failures.length() > 0) {
            fail("samples differ from Pillow's draft(\"RGB\"):" + failures);
        }
        assertTrue("4:2:0 pictures " + subsampled, subsampled >= 20);
        assertTrue("smoothed " + smoothed + ", refused " + refused, smoothed >= 1 && refused >= 1);
    }

    /**
     * One decode serves both routes: the grey after rgbPixels() is the grey route's own, and
     * rgbPixels() after pixels() (which kept no chroma) decodes again to the same pixels.
     */
    @Test
    public void greyAfterRgbIsTheGreyDecode() throws IOException, PictureException {
        Path dir = TestData.reference().resolve("jpegrgb");
        JsonNode cases = new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("jpegrgb.json")));
        for (JsonNode c : cases) {
            if (!c.get("expect").asText().equals("pixels")) {
                continue;
            }
            String name = c.get("name").asText();
            byte[] bytes = Files.readAllBytes(dir.resolve(name + ".jpg"));
            JpegDc both = new JpegDc(bytes, Path.of(name));
            both.headers();
            Pixels rgb = both.rgbPixels();
            JpegDc grey = new JpegDc(bytes, Path.of(name));
            grey.headers();
            assertArrayEquals(name, grey.pixels().pixels(), both.pixels().pixels());
            // RGB after grey decodes the file again, to the same pixels.
            assertArrayEquals(name, rgb.samples(), grey.rgbPixels().samples());
        }
    }
}
