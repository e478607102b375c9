package io.github.modelparity.spark;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.commandline.Lines;
import io.github.modelparity.manifest.Manifest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.SparkSession;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The Spark job in local[2] inside this JVM, on the real artifacts: every good picture's row
 * against python -m python.predict's line (run in its own process), broken files as error rows,
 * bad artifacts refused before Spark starts, and the output written whole or not at all.
 * Pictures: the seed data's test split read in place, else pictures made here.
 */
public class ClassifyPicturesTest {
    private static final String SEED_RELATIVE = "../shared/datasets/selfie-or-not/thumbnails-40";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private static Path root;
    private static Path artifacts;

    @BeforeClass
    public static void artifacts() {
        root = Paths.get(System.getProperty("modelparity.root", ".")).toAbsolutePath().normalize();
        artifacts = Paths.get(System.getProperty("modelparity.artifacts", root.resolve("artifacts").toString()));
        if (!Files.exists(artifacts.resolve(Manifest.FILE_NAME))) {
            skipOrFail("MODELPARITY_REQUIRE_JAVA", "no artifacts at " + artifacts + " (python -m python.export --quantize)");
        }
    }

    /** A skip with the reason, or a failure when the named REQUIRE variable is 1. */
    private static void skipOrFail(String require, String why) {
        if ("1".equals(System.getenv(require))) {
            fail(why + " and " + require + "=1");
        }
        assumeTrue(why + "; skipping (set " + require + "=1 to fail instead)", false);
    }

    /** The seed test split, or null (with the reason printed) when it is absent or hidden. */
    private static Path seedTestSplit() {
        String chosen = System.getenv("MODELPARITY_SEED_DATA");
        if ("none".equals(chosen)) {
            requireNoSeed("MODELPARITY_SEED_DATA=none hides the shared seed data set");
            return null;
        }
        Path seed = chosen == null || chosen.isEmpty() ? root.resolve(SEED_RELATIVE).normalize() : Paths.get(chosen);
        if (!Files.isDirectory(seed.resolve("test"))) {
            requireNoSeed("no seed data test split at " + seed.resolve("test"));
            return null;
        }
        return seed.resolve("test");
    }

    private static void requireNoSeed(String why) {
        if ("1".equals(System.getenv("MODELPARITY_REQUIRE_SEED_DATA"))) {
            fail(why + " and MODELPARITY_REQUIRE_SEED_DATA=1");
        }
        System.out.println("ClassifyPicturesTest: " + why + "; using pictures made by the test");
    }

    /**
     * The job's exit status, stdout and stderr. (A class, not a record: Gradle 4.4.1's test
     * scanner cannot read a record's class file in a test source set.)
     */
    private static final class Run {
        private final int status;
        private final String err;

        Run(int status, String err) {
            this.status = status;
            this.err = err;
        }

        int status() {
            return status;
        }

        String err() {
            return err;
        }

        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank() && !l.contains(" WARN ")).collect(Collectors.toList());
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ClassifyPictures.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, err.toString(StandardCharsets.UTF_8));
    }

    /** count pictures of varied content and size, as PNG and JPEG. */
    private Path madePictures(String name, int count) throws IOException {
        Path dir = temp.newFolder(name).toPath();
        Files.createDirectories(dir.resolve("nested/deeper"));
        for (int i = 0; i < count; i++) {
            int w = 20 + 7 * i;
            int h = 30 + 5 * (i % 4);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = (x * (i + 3) + y * 11 + x * y * i) % 256;
                    img.setRGB(x, y, (v << 16) | (((v + 40 * i) % 256) << 8) | ((255 - v) % 256));
                }
            }
            String format = i % 3 == 0 ? "jpg" : "png";
            Path where = i % 2 == 0 ? dir : dir.resolve("nested/deeper");
            ImageIO.write(img, format, where.resolve("picture " + i + "." + format).toFile());
        }
        Files.writeString(dir.resolve("notes.txt"), "not a picture, and not matched by the glob");
        return dir;
    }

    /** Broken pictures: empty, truncated, text with a picture's name. */
    private Path brokenPictures(Path aGoodPng) throws IOException {
        Path dir = temp.newFolder("broken").toPath();
        Files.write(dir.resolve("empty.png"), new byte[0]);
        byte[] good = Files.readAllBytes(aGoodPng);
        Files.write(dir.resolve("truncated.png"), java.util.Arrays.copyOf(good, good.length / 2));
        Files.writeString(dir.resolve("text.jpg"), "hello, I am not a JPEG\n");
        return dir;
    }

    private static List<Path> pictures(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".txt")).sorted()
                    .collect(Collectors.toList());
        }
    }

    /**
     * python -m python.predict's lines, path to [label, probability, and with --top K the K
     * label:probability pairs]; run in its own process.
     */
    private static Map<String, String[]> pythonPredict(List<Path> pictures, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(System.getProperty("modelparity.python", "python"), "-m",
                "python.predict", "--artifacts", artifacts.toString(), "--format", "onnx"));
        command.addAll(List.of(flags));
        pictures.forEach(p -> command.add(p.toString()));
        Path out = Files.createTempFile("predict", ".tsv");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(root.toFile())
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            skipOrFail("MODELPARITY_REQUIRE_JAVA", "cannot run python -m python.predict (" + e.getMessage() + ")");
            return Map.of();
        }
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("python -m python.predict did not finish in 300 s");
        }
        assertTrue("python.predict exit status " + process.exitValue(), process.exitValue() <= 1);
        Map<String, String[]> lines = new HashMap<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            assertTrue(line, f.length >= 3);
            lines.put(f[0], java.util.Arrays.copyOfRange(f, 1, f.length));
        }
        Files.delete(out);
        return lines;
    }

    /** The output's rows, by local path (binaryFile's path is a file: URI). */
    private static Map<String, Row> rows(Path output, String format) throws IOException {
        return rows(output, format, ClassifyPartition.schema(0));
    }

    private static Map<String, Row> rows(Path output, String format, StructType schema) throws IOException {
        try (SparkSession spark = SparkSession.builder().master("local[1]").appName("read-back")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate()) {
            List<Row> all = spark.read().schema(schema).option("header", "true")
                    .format(format).load(output.toString()).collectAsList();
            Map<String, Row> byPath = new HashMap<>();
            for (Row r : all) {
                String local = new org.apache.hadoop.fs.Path(r.getString(0)).toUri().getPath();
                assertNull("one row per picture: " + local, byPath.put(local, r));
            }
            return byPath;
        }
    }

    private static String sha256() {
        return Manifest.read(artifacts).artifacts().get(ArtifactFormat.ONNX.key()).sha256();
    }

    /** --top 2: an array of label/probability structs in Parquet and JSON, that array as JSON text in CSV. */
    @Test
    public void topLabelsAsStructsInEveryFormatEqualPythonPredictTop() throws Exception {
        Path dir = madePictures("top", 7);
        List<Path> pictures = pictures(dir);
        Map<String, String[]> python = pythonPredict(pictures, "--top", "2");
        assertEquals(pictures.size(), python.size());
        ObjectMapper json = new ObjectMapper();
        for (String format : List.of("parquet", "json", "csv")) {
            Path output = temp.getRoot().toPath().resolve("top." + format);
            Run run = run("--artifacts", artifacts.toString(), "--input", dir.toString(), "--output", output.toString(),
                    "--output-format", format, "--top", "2", "--master", "local[1]");
            assertEquals(run.err(), 0, run.status());
            StructType schema = ClassifyPartition.schema(2);
            if (format.equals("csv")) {
                schema = new StructType(java.util.Arrays.stream(schema.fields()).map(f -> f.name().equals("top")
                        ? DataTypes.createStructField("top", DataTypes.StringType, true) : f)
                        .toArray(org.apache.spark.sql.types.StructField[]::new));
            }
            Map<String, Row> rows = rows(output, format, schema);
            assertEquals(format, pictures.size(), rows.size());
            for (Path p : pictures) {
                Row r = rows.get(p.toString());
                String[] expected = python.get(p.toString());
                List<String> ours = new ArrayList<>();
                if (format.equals("csv")) {
                    for (JsonNode pair : json.readTree(r.getString(3))) {
                        ours.add(pair.get("label").asText() + ":" + Lines.sixDecimals(pair.get("probability").asDouble()));
                    }
                } else {
                    for (Row pair : r.<Row>getList(3)) {
                        ours.add(pair.getString(0) + ":" + Lines.sixDecimals(pair.getDouble(1)));
                    }
                }
                assertEquals(format + " " + p, List.of(expected[2], expected[3]), ours);
                assertEquals(format + " " + p, expected[0], r.getString(1));
            }
        }
        System.out.println("ClassifyPicturesTest: --top 2 rows in parquet, json and csv equal python.predict --top 2"
                + " on " + pictures.size() + " pictures");
    }

    @Test
    public void everyRowEqualsPythonPredictAndBrokenFilesAreErrorRows() throws Exception {
        Path good = seedTestSplit();
        if (good == null) {
            good = madePictures("made", 24);
        }
        List<Path> goodPictures = pictures(good);
        Path broken = brokenPictures(goodPictures.stream().filter(p -> p.toString().endsWith(".png")).findFirst().get());
        Path output = temp.getRoot().toPath().resolve("out.parquet");

        Run run = run("--artifacts", artifacts.toString(), "--input", good.toString(), broken.toString(),
                "--output", output.toString(), "--master", "local[2]");
        assertEquals(run.err(), 0, run.status());
        assertTrue(run.err(), run.err().contains((goodPictures.size() + 3) + " pictures (3 errors)"));

        Map<String, Row> rows = rows(output, "parquet");
        Map<String, String[]> python = pythonPredict(goodPictures);
        assertEquals("python.predict classified every good picture", goodPictures.size(), python.size());
        assertEquals(goodPictures.size() + 3, rows.size());
        String sha = sha256();
        int equal = 0;
        for (Path p : goodPictures) {
            Row r = rows.get(p.toString());
            assertNotNull("no row for " + p, r);
            assertTrue("error row for a good picture " + p + ": " + r, r.isNullAt(3));
            String[] expected = python.get(p.toString());
            assertEquals(p + " label", expected[0], r.getString(1));
            assertEquals(p + " probability", expected[1], Lines.sixDecimals(r.getFloat(2)));
            assertEquals(sha, r.getString(4));
            equal++;
        }
        Map<String, String> reasons = Map.of("empty.png", "empty file", "truncated.png", "truncated picture",
                "text.jpg", "not a picture Java can read");
        reasons.forEach((name, reason) -> {
            Row r = rows.get(broken.resolve(name).toString());
            assertNotNull("no row for " + name, r);
            assertTrue(r.toString(), r.isNullAt(1) && r.isNullAt(2));
            assertEquals(name, reason, r.getString(3));
            assertEquals(sha, r.getString(4));
        });
        System.out.println("ClassifyPicturesTest: " + equal + " of " + goodPictures.size()
                + " rows equal python.predict's lines (label, probability to 6 decimals); "
                + reasons.size() + " broken files are error rows");
    }

    @Test
    public void badArtifactsFailBeforeSparkStartsWithOneLine() throws Exception {
        Path bad = temp.newFolder("altered").toPath();
        Files.copy(artifacts.resolve(Manifest.FILE_NAME), bad.resolve(Manifest.FILE_NAME));
        byte[] model = Files.readAllBytes(artifacts.resolve("model.onnx"));
        model[model.length / 2] ^= 1;
        Files.write(bad.resolve("model.onnx"), model);
        Path output = temp.getRoot().toPath().resolve("never");
        Run run = run("--artifacts", bad.toString(), "--input", temp.getRoot().toString(), "--output", output.toString(),
                "--master", "local[2]");
        assertEquals(run.err(), 2, run.status());
        assertEquals(run.err(), 1, run.err().lines().count());
        assertTrue(run.err(), run.err().startsWith("modelparity-spark: error: ") && run.err().contains("altered"));
        assertFalse("no Spark was started", SparkSession.getActiveSession().isDefined());
        assertFalse(Files.exists(output));

        Run missing = run("--artifacts", temp.getRoot().toPath().resolve("nowhere").toString(), "--input", ".", "--output",
                output.toString());
        assertEquals(2, missing.status());
        assertEquals(missing.err(), 1, missing.err().lines().count());
        assertTrue(missing.err(), missing.err().contains("no manifest"));
    }

    @Test
    public void rerunsWriteTheOutputWholeOrNotAtAll() throws Exception {
        Path three = madePictures("three", 3);
        Path five = madePictures("five", 5);
        Path output = temp.getRoot().toPath().resolve("out.json");
        String[] first = {"--artifacts", artifacts.toString(), "--input", three.toString(), "--output",
                output.toString(), "--output-format", "json", "--master", "local[2]"};
        assertEquals(0, run(first).status());
        assertEquals(3, rows(output, "json").size());

        Run again = run(first);
        assertEquals(again.err(), 2, again.status());
        assertEquals(List.of("modelparity-spark: error: " + output + ": output already exists (give --overwrite to replace it)"),
                again.errLines());

        Run replaced = run("--artifacts", artifacts.toString(), "--input", five.toString(), "--output",
                output.toString(), "--output-format", "csv", "--master", "local[2]", "--overwrite");
        assertEquals(replaced.err(), 0, replaced.status());
        Map<String, Row> csv = rows(output, "csv");
        assertEquals(5, csv.size());
        assertTrue(csv.keySet().stream().allMatch(p -> p.startsWith(five.toString())));
        try (Stream<Path> siblings = Files.list(temp.getRoot().toPath())) {
            assertEquals("no staging or old folder left", List.of(),
                    siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).collect(Collectors.toList()));
        }
    }

    /**
     * --pictures-per-task 2 on 5 pictures in local[1]: three tasks, so three output files; a
     * file longer than binaryFile's maximum length is an error row, found in the listing.
     */
    @Test
    public void picturesAreCutIntoTasksByCountAndOverLongFilesAreErrorRows() throws Exception {
        Path five = madePictures("five-by-two", 5);
        List<Path> pictures = pictures(five);
        long longest = pictures.stream().mapToLong(p -> p.toFile().length()).max().getAsLong();
        long tooLong = pictures.stream().filter(p -> p.toFile().length() == longest).count();
        Path output = temp.getRoot().toPath().resolve("by-two.json");
        Run run = run("--artifacts", artifacts.toString(), "--input", five.toString(), "--output", output.toString(),
                "--output-format", "json", "--master", "local[1]", "--pictures-per-task", "2",
                "--conf", "spark.sql.sources.binaryFile.maxLength=" + (longest - 1));
        assertEquals(run.err(), 0, run.status());
        assertTrue(run.err(), run.err().contains("5 pictures (" + tooLong + " errors)"));
        try (Stream<Path> files = Files.list(output)) {
            assertEquals(3, files.filter(f -> f.getFileName().toString().startsWith("part-")).count());
        }
        Map<String, Row> rows = rows(output, "json");
        for (Path p : pictures) {
            Row r = rows.get(p.toString());
            if (p.toFile().length() == longest) {
                assertEquals("file too large to read (" + longest + " bytes; at most " + (longest - 1)
                        + ", spark.sql.sources.binaryFile.maxLength)", r.getString(3));
            } else {
                assertTrue(r.toString(), r.isNullAt(3) && !r.isNullAt(1));
            }
        }
    }
}
