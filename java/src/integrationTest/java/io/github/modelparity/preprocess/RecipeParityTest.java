package io.github.modelparity.preprocess;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.modelparity.Npy;
import io.github.modelparity.TestData;
import io.github.modelparity.manifest.Recipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/**
 * Every step after decoding, for grey and RGB, against python.data.pictures.pixels_to_input
 * on the seeded cases of tests/recipecases.py (random 8-bit pictures of many sizes, recipes
 * with bilinear and bicubic, sizes and shortest edges, crops, rescales and normalisations):
 * the same floats, value for value.
 */
public class RecipeParityTest {
    @Test
    public void everyCaseGivesPythonsInputBitForBit() throws IOException {
        Path dir = TestData.reference().resolve("recipes");
        JsonNode cases = new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("cases.json")));
        assertTrue("too few cases: " + cases.size(), cases.size() >= 50);
        int rgb = 0;
        int bicubic = 0;
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            Recipe recipe = Recipe.read(c.get("recipe"), Path.of(name));
            float[] stored = Npy.read(dir.resolve(name + ".pixels.npy")).data;
            int[] pixels = new int[stored.length];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (int) stored[i];
            }
            int w = c.get("width").asInt();
            int h = c.get("height").asInt();
            JsonNode full = c.get("full");
            int fw = full.isNull() ? w : full.get(0).asInt();
            int fh = full.isNull() ? h : full.get(1).asInt();
            float[] ours = Inputs.fromPixels(pixels, w, h, fw, fh, recipe);
            Npy python = Npy.read(dir.resolve(name + ".input.npy"));
            assertEquals(name + " size", python.data.length, ours.length);
            for (int i = 0; i < ours.length; i++) {
                if (Float.floatToIntBits(ours[i]) != Float.floatToIntBits(python.data[i])) {
                    throw new AssertionError(name + " (" + c.get("recipe").get("source").asText() + ", " + w + "x" + h
                            + "): value " + i + " is " + ours[i] + ", Python's " + python.data[i]);
                }
            }
            rgb += recipe.channels() == 3 ? 1 : 0;
            bicubic += recipe.resample() == 3 ? 1 : 0;
        }
        assertTrue("RGB cases " + rgb, rgb >= 20);
        assertTrue("bicubic cases " + bicubic, bicubic >= 10);
        System.out.println("RecipeParityTest: " + cases.size() + " cases (" + rgb + " RGB, " + bicubic
                + " bicubic) bit-identical to pixels_to_input");
    }
}
