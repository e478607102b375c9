package io.github.modelparity.picture.jpeg;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.modelparity.PictureException;
import io.github.modelparity.TestData;
import io.github.modelparity.picture.Pixels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Test;

/**
 * {@link JpegDc#rgbPixels(int)} against Pillow's draft("RGB") at 1/8, 1/4 and 1/2 on the
 * colour JPEGs of tests/jpegdcrgb.py (4:4:4 and 4:2:0, baseline and progressive, odd sizes,
 * restarts, qualities to 100, YCbCr without JFIF, equal sampling factors other than 1x1,
 * damaged data), each entry at its scale: every sample of every picture equal, max abs diff
 * 0. The progressive ones that libjpeg block-smooths visibly at that scale, and those Pillow
 * refuses, must be refused.
 */
public class JpegRgbDcTest {
    private static final int[] SCALES = {8, 4, 2};

    private static JsonNode corpus(Path dir) throws IOException {
        JsonNode cases = new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("jpegrgb.json")));
        for (JsonNode c : cases) {
            if (!c.has("scale") || (c.get("expect").asText().equals("pixels") && !c.has("pixels"))) {
                fail(dir + "/jpegrgb.json predates scales: write it again (python -m tests.jpegdcrgb "
                        + dir + ")");
            }
        }
        return cases;
    }

    @Test
    public void everySampleEqualsPillowsDraftRgbAtItsScale() throws IOException {
        Path dir = TestData.reference().resolve("jpegrgb");
        JsonNode cases = corpus(dir);
        assertTrue("too few pictures: " + cases.size(), cases.size() >= 120);
        // per scale: compared, 4:2:0 among them, smoothed, refused, samples, worst difference
        Map<Integer, long[]> counts = new TreeMap<>();
        for (int s : SCALES) {
            counts.put(s, new long[6]);
        }
        StringBuilder failures = new StringBuilder();
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            int scale = c.get("scale").asInt();
            long[] n = counts.get(scale);
            assertTrue(name + ": scale " + scale, n != null);
            JpegDc jpeg = new JpegDc(Files.readAllBytes(dir.resolve(name + ".jpg")), Path.of(name + ".jpg"));
            JpegDc.Header header = jpeg.headers();
            assertTrue(name + ": not taken for the reduced RGB route", header != null && header.rgbDc());
            String expect = c.get("expect").asText();
            String at = name + " at 1/" + scale;
            if (expect.equals("smoothed")) {
                try {
                    jpeg.rgbPixels(scale);
                    failures.append(String.format("%n  %s: accepted, but libjpeg block-smooths it", at));
                } catch (PictureException e) {
                    assertTrue(at + ": " + e.getMessage(), e.reason().contains("block smoothing"));
                    n[2]++;
                }
                continue;
            }
            if (expect.equals("refused")) {
                try {
                    jpeg.rgbPixels(scale);
                    failures.append(String.format("%n  %s: accepted; Pillow refused it: %s", at,
                            c.get("refusal").asText()));
                } catch (PictureException e) {
                    n[3]++;
                }
                continue;
            }
            Pixels ours;
            try {
                ours = jpeg.rgbPixels(scale);
            } catch (PictureException e) {
                failures.append(String.format("%n  %s: refused, Pillow decodes it: %s", at, e.getMessage()));
                continue;
            }
            byte[] python = Files.readAllBytes(dir.resolve(c.get("pixels").asText()));
            assertEquals(at + " width", c.get("width").asInt(), ours.width());
            assertEquals(at + " height", c.get("height").asInt(), ours.height());
            assertEquals(at + " width", (c.get("full").get(0).asInt() + scale - 1) / scale, ours.width());
            assertEquals(at + " channels", 3, ours.channels());
            assertEquals(at + " samples", python.length, ours.samples().length);
            int differ = 0;
            int worstHere = 0;
            for (int i = 0; i < python.length; i++) {
                int d = Math.abs(ours.sample(i) - (python[i] & 0xFF));
                differ += d == 0 ? 0 : 1;
                worstHere = Math.max(worstHere, d);
            }
            if (differ > 0) {
                failures.append(String.format("%n  %s: %d of %d samples differ, by up to %d", at, differ,
                        python.length, worstHere));
            }
            n[0]++;
            n[1] += name.contains("-420-") ? 1 : 0;
            n[4] += python.length;
            n[5] = Math.max(n[5], worstHere);
        }
        for (Map.Entry<Integer, long[]> e : counts.entrySet()) {
            long[] n = e.getValue();
            System.out.println("JpegRgbDcTest at 1/" + e.getKey() + ": " + n[0] + " pictures compared (" + n[1]
                    + " 4:2:0), " + n[4] + " samples, max abs diff " + n[5] + "; refused " + n[2]
                    + " that libjpeg smooths, " + n[3] + " that Pillow refuses");
        }
        if (failures.length() > 0) {
            fail("not Pillow's draft(\"RGB\"):" + failures);
        }
        long[] eighth = counts.get(8);
        assertTrue("4:2:0 pictures at 1/8: " + eighth[1], eighth[1] >= 20);
        assertTrue("smoothed " + eighth[2] + ", refused " + eighth[3] + " at 1/8", eighth[2] >= 1 && eighth[3] >= 1);
        for (int s : new int[] {4, 2}) {
            long[] n = counts.get(s);
            assertTrue("pictures at 1/" + s + ": " + n[0] + " (4:2:0 " + n[1] + ")", n[0] >= 20 && n[1] >= 8);
            assertTrue("smoothed at 1/" + s + ": " + n[2], n[2] >= 1);
        }
    }

    /**
     * One decode serves both routes: the grey after rgbPixels() at a scale is the grey route's
     * own at that scale, and rgbPixels() after pixels() (which kept no chroma) decodes again to
     * the same pixels.
     */
    @Test
    public void greyAfterRgbIsTheGreyDecode() throws IOException, PictureException {
        Path dir = TestData.reference().resolve("jpegrgb");
        for (JsonNode c : corpus(dir)) {
            if (!c.get("expect").asText().equals("pixels")) {
                continue;
            }
            String name = c.get("name").asText();
            int scale = c.get("scale").asInt();
            byte[] bytes = Files.readAllBytes(dir.resolve(name + ".jpg"));
            JpegDc both = new JpegDc(bytes, Path.of(name));
            both.headers();
            Pixels rgb = both.rgbPixels(scale);
            JpegDc grey = new JpegDc(bytes, Path.of(name));
            grey.headers();
            assertArrayEquals(name + " at 1/" + scale, grey.pixels(scale).pixels(), both.pixels(scale).pixels());
            // RGB after grey decodes the file again, to the same pixels.
            assertArrayEquals(name + " at 1/" + scale, rgb.samples(), grey.rgbPixels(scale).samples());
        }
    }
}
