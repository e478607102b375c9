package io.github.modelparity.preprocess;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.github.modelparity.PictureException;
import io.github.modelparity.manifest.Recipe;
import io.github.modelparity.picture.Conversion;
import io.github.modelparity.picture.DecodeOptions;
import io.github.modelparity.picture.GreyImage;
import io.github.modelparity.picture.PictureDecoder;
import io.github.modelparity.picture.Pixels;
import io.github.modelparity.picture.jpeg.TestJpeg;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Which scale a large JPEG is decoded at: the first s of the recipe's draft_scales with
 * min(W, H) &gt;= s * reduce_to * reduce_side (python.data.preprocessing.Preprocessing
 * draft_scale); 1/8 alone for a manifest without draft_scales (version 3); never on the
 * faithful route, without draft or without a resize.
 */
public class DraftScaleTest {
    private static final long MAX = 50_000_000L;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private static Recipe recipe(int side, int reduceTo, boolean faithful, boolean draft, List<Integer> scales) {
        return new Recipe(3, true, new Recipe.Size(0, 0, side), Resize.BICUBIC, false, null, true, 1 / 255.0,
                false, new float[0], new float[0], reduceTo, faithful, draft, scales);
    }

    private static int scale(Recipe recipe, int width, int height) {
        return new Preprocessor(MAX, recipe).decodeOptions().draftScale(width, height);
    }

    @Test
    public void theLargestScaleThatKeepsTheReducingGap() {
        Recipe r = recipe(224, 2, false, true, Recipe.DRAFT_SCALES); // 8 * 448 = 3584, 4 * 448, 2 * 448
        assertEquals(8, scale(r, 4000, 3584));
        assertEquals(8, scale(r, 3584, 9000));
        assertEquals(4, scale(r, 4000, 3583));
        assertEquals(4, scale(r, 1792, 1792));
        assertEquals(2, scale(r, 1791, 3000));
        assertEquals(2, scale(r, 896, 896));
        assertEquals(1, scale(r, 895, 4000));
        // some of the scales only: the first that fits, else whole
        Recipe fourTwo = recipe(224, 2, false, true, List.of(4, 2));
        assertEquals(4, scale(fourTwo, 4000, 4000));
        assertEquals(2, scale(fourTwo, 1000, 1000));
        Recipe eightTwo = recipe(224, 2, false, true, List.of(8, 2));
        assertEquals(2, scale(eightTwo, 3000, 3000));
        // reduce_to is the recipe's
        assertEquals(4, scale(recipe(224, 3, false, true, Recipe.DRAFT_SCALES), 2688, 5000));
        assertEquals(2, scale(recipe(224, 3, false, true, Recipe.DRAFT_SCALES), 2687, 5000));
    }

    @Test
    public void eighthAloneWithoutDraftScalesAndNeverOffTheDraftRoute() {
        // a version 3 manifest (and version 4 before draft_scales): [8]
        Recipe v3 = new Recipe(1, true, new Recipe.Size(40, 40, 0), Resize.BILINEAR, false, null, true, 1 / 255.0,
                false, new float[0], new float[0], 2);
        assertEquals(List.of(8), v3.draftScales());
        assertEquals(8, scale(v3, 640, 640));
        assertEquals(1, scale(v3, 639, 5000));
        // the grey recipe without a manifest: 1/8 where the shorter side reaches 8 * 2 * max(height, width)
        assertEquals(8, new Preprocessor(40, 40, MAX).decodeOptions().draftScale(640, 700));
        assertEquals(1, new Preprocessor(40, 40, MAX).decodeOptions().draftScale(639, 700));
        // no draft, the faithful route, no resize: whole
        assertEquals(1, scale(recipe(224, 2, false, false, Recipe.DRAFT_SCALES), 9000, 9000));
        assertEquals(1, scale(recipe(224, 2, true, false, Recipe.DRAFT_SCALES), 9000, 9000));
        Recipe noResize = new Recipe(3, false, new Recipe.Size(0, 0, 0), Resize.BICUBIC, false, null, true,
                1 / 255.0, false, new float[0], new float[0], 2, false, true, Recipe.DRAFT_SCALES);
        assertEquals(1, scale(noResize, 9000, 9000));
    }

    @Test
    public void scalesMustBeSomeOfEightFourTwoLargestFirst() {
        for (List<Integer> bad : List.of(List.<Integer>of(), List.of(4, 8), List.of(8, 8), List.of(8, 4, 1),
                List.of(16), List.of(3))) {
            assertThrows(bad.toString(), IllegalArgumentException.class,
                    () -> new DecodeOptions(MAX, 10, bad, 0, 3, Conversion.OVER_WHITE));
            assertThrows(bad.toString(), IllegalArgumentException.class,
                    () -> recipe(224, 2, false, true, bad));
        }
    }

    /**
     * A large JPEG through the decoder chain comes at the chosen scale, ceil(W / s) x
     * ceil(H / s), standing for its full size, in RGB and in grey; each is what JpegDc's
     * reader gives at that scale (its pixels are held to Pillow's by JpegRgbDcTest).
     */
    @Test
    public void aLargeJpegComesAtTheChosenScale() throws IOException, PictureException {
        BufferedImage img = new BufferedImage(1001, 803, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, ((x * 7 + y) & 255) << 16 | ((x * y / 97) & 255) << 8 | ((x - 3 * y) & 255));
            }
        }
        Path p = temp.getRoot().toPath().resolve("large.jpg");
        ImageIO.write(img, "jpeg", p.toFile());
        byte[] bytes = PictureDecoder.readFile(p);
        PictureDecoder decoder = Preprocessor.decoder();
        // draftSide 150: 803 < 8 * 150, >= 4 * 150; draftSide 300: 2 * 300 only; 500: none
        int[][] cases = {{150, 4}, {300, 2}, {100, 8}, {500, 1}};
        for (int[] c : cases) {
            int s = c[1];
            DecodeOptions rgb = new DecodeOptions(MAX, c[0], Recipe.DRAFT_SCALES, 0, 3, Conversion.OVER_WHITE);
            DecodeOptions grey = new DecodeOptions(MAX, c[0], Recipe.DRAFT_SCALES, 0, 1, Conversion.OVER_WHITE);
            assertEquals(s, rgb.draftScale(1001, 803));
            Pixels colour = decoder.decodeRgb(p, bytes, rgb);
            GreyImage luma = decoder.decode(p, bytes, grey);
            assertEquals((1001 + s - 1) / s, colour.width());
            assertEquals((803 + s - 1) / s, colour.height());
            assertEquals(1001, colour.fullWidth());
            assertEquals(803, colour.fullHeight());
            assertEquals((1001 + s - 1) / s, luma.width());
            assertEquals(803, luma.fullHeight());
            if (s > 1) {
                assertArrayEquals(TestJpeg.rgb(bytes, s), colour.samples());
                assertArrayEquals(TestJpeg.grey(bytes, s), luma.pixels());
            }
        }
    }
}
