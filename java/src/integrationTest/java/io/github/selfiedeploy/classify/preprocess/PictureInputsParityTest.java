package io.github.selfiedeploy.classify.preprocess;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfiedeploy.classify.Npy;
import io.github.selfiedeploy.classify.PictureException;
import io.github.selfiedeploy.classify.TestData;
import io.github.selfiedeploy.classify.manifest.Manifest;
import io.github.selfiedeploy.classify.manifest.Recipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.Test;

/**
 * Picture files to model inputs under the recipes of tests/recipeinputs.py (RGB 224 x 224 with
 * a shortest edge, bicubic, a crop and ImageNet statistics; RGB 224 bilinear; RGB 40 x 40
 * normalised; grey 48 x 32 bicubic), on the odd pictures, the phone photos, the generated RGB
 * pictures, the large colour JPEGs and, for the 40 x 40 recipes, the seed data: Java's input is
 * Python's, bit for bit, and what Python refuses Java refuses. The one stated exception: a
 * progressive JPEG whose scans leave coefficients unsent, which libjpeg-turbo under Pillow
 * estimates by block smoothing and ImageIO's libjpeg otherwise (up to 6 levels measured), is
 * refused by Java in one line rather than approximated.
 */
public class PictureInputsParityTest {
    @Test
    public void everyPictureUnderEveryRecipeIsPythonsInput() throws IOException {
        Path dir = TestData.reference().resolve("inputs");
        List<String> recipes = new ArrayList<>();
        try (var list = Files.list(dir)) {
            list.filter(Files::isDirectory).sorted().forEach(p -> recipes.add(p.getFileName().toString()));
        }
        assertTrue("recipes: " + recipes, recipes.size() >= 4);
        List<String> failures = new ArrayList<>();
        for (String name : recipes) {
            Path folder = dir.resolve(name);
            ObjectMapper json = new ObjectMapper();
            Recipe recipe = Recipe.read(json.readTree(Files.readAllBytes(folder.resolve("recipe.json"))),
                    folder.resolve("recipe.json"));
            Preprocessor pre = new Preprocessor(Manifest.DEFAULT_MAX_PIXELS, recipe);
            JsonNode cases = json.readTree(Files.readAllBytes(folder.resolve("cases.json")));
            Npy python = Npy.read(folder.resolve("inputs.npy"));
            int size = pre.height() * pre.width() * pre.channels();
            int row = 0;
            int equal = 0;
            int refused = 0;
            int smoothing = 0;
            double worst = 0;
            for (JsonNode c : cases) {
                Path picture = TestData.root().resolve(c.get("path").asText());
                float[] ours;
                try {
                    ours = pre.load(picture);
                } catch (PictureException e) {
                    if (!c.has("refusal") && e.reason().contains("block smoothing")
                            && picture.getFileName().toString().contains("progressive")) {
                        smoothing++; // the one stated cause: libjpeg-turbo's estimate of unsent coefficients
                        row++;
                    } else if (!c.has("refusal")) {
                        failures.add(name + ": " + e.getMessage() + " (Python prepared it)");
                        row++;
                    } else {
                        refused++;
                    }
                    continue;
                }
                if (c.has("refusal")) {
                    failures.add(name + ": " + picture + " accepted, Python refused it: " + c.get("refusal").asText());
                    continue;
                }
                assertEquals(name + " " + picture, size, ours.length);
                double d = 0;
                boolean same = true;
                for (int i = 0; i < size; i++) {
                    float p = python.data[row * size + i];
                    same &= Float.floatToIntBits(p) == Float.floatToIntBits(ours[i]);
                    d = Math.max(d, Math.abs(p - ours[i]));
                }
                row++;
                worst = Math.max(worst, d);
                if (same) {
                    equal++;
                } else {
                    failures.add(String.format(Locale.ROOT, "%s: %s differs from Python by up to %.3g", name, picture, d));
                }
            }
            assertEquals(name + ": rows of inputs.npy", python.shape[0], row);
            System.out.printf(Locale.ROOT, "PictureInputsParityTest %s: %d pictures, %d bit-identical, %d refused"
                    + " by both, %d refused by Java only (incomplete progressive JPEGs, which libjpeg-turbo"
                    + " block-smooths), max |java - python| %.3g%n", name, cases.size(), equal, refused, smoothing,
                    worst);
        }
        assertTrue(failures.size() + " differences:\n" + String.join("\n", failures.subList(0,
                Math.min(20, failures.size()))), failures.isEmpty());
    }
}
