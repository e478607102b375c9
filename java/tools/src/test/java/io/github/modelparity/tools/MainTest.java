package io.github.modelparity.tools;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.modelparity.TinyArtifacts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The command line on tiny artifacts: python.predict's format, --json, exit statuses, --help, --version. */
public class MainTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private String out;
    private String err;
    private Path artifacts;
    private String bright;
    private String dark;

    @Before
    public void setUp() throws IOException {
        artifacts = TinyArtifacts.write(temp.newFolder("artifacts").toPath());
        bright = TinyArtifacts.greyPicture(temp.getRoot().toPath().resolve("bright.png"), 204, 16, 16).toString();
        dark = TinyArtifacts.greyPicture(temp.getRoot().toPath().resolve("dark.png"), 51, 8, 8).toString();
    }

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, po, pe);
        }
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return status;
    }

    /** --top K on a softmax over three labels, and in JSON every label's probability. */
    @Test
    public void topPairsForAnRgbModelOfThreeClasses() throws IOException {
        Path rgb = TinyArtifacts.writeRgb(temp.newFolder("rgb").toPath());
        String blue = TinyArtifacts.rgbPicture(temp.getRoot().toPath().resolve("blue.png"), 0, 0, 255, 9, 9).toString();
        assertEquals(err, 0, run("--artifacts", rgb.toString(), "--top", "2", blue));
        // softmax(0, 0, 1): e / (2 + e) and 1 / (2 + e)
        assertEquals(blue + "\tblue\t0.576117\tblue:0.576117\tred:0.211942\n", out);
        assertEquals(err, 0, run("--artifacts", rgb.toString(), "--top", "9", blue));
        assertEquals(blue + "\tblue\t0.576117\tblue:0.576117\tred:0.211942\tgreen:0.211942\n", out);
        assertEquals(err, 0, run("--artifacts", rgb.toString(), "--json", blue));
        JsonNode line = new ObjectMapper().readTree(out);
        assertEquals(0.211942, line.get("probabilities").get("green").doubleValue(), 1e-6);
        assertEquals(3, line.get("probabilities").size());
        assertEquals(2, run("--artifacts", rgb.toString(), "--top", "0", blue));
        assertTrue(err, err.startsWith("modelparity-java: error: ") && err.contains("'0' is not a whole number of at least 1"));
    }

    @Test
    public void linesAsPythonPredictPrintsThem() {
        // The path exactly as typed (a doubled slash kept), the label by threshold, six decimals.
        String typed = bright.replace("/bright.png", "//bright.png");
        assertEquals(err, 0, run("--artifacts", artifacts.toString(), typed, dark));
        assertEquals(typed + "\tselfie\t0.800000\n" + dark + "\tnot_selfie\t0.200000\n", out);
        assertEquals("", err);
    }

    @Test
    public void badPictureIsOneLineOthersStillClassifiedExitOne() throws IOException {
        Path cut = temp.getRoot().toPath().resolve("cut.png");
        byte[] whole = Files.readAllBytes(Path.of(bright));
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertEquals(1, run("--artifacts", artifacts.toString(), bright, cut.toString(), "missing.png", dark));
        assertEquals(bright + "\tselfie\t0.800000\n" + dark + "\tnot_selfie\t0.200000\n", out);
        assertEquals(err, "modelparity-java: error: " + cut + ": truncated picture\n"
                + "modelparity-java: error: missing.png: no such file\n", err);
    }

    @Test
    public void jsonLines() throws IOException {
        assertEquals(err, 0, run("--json", "--artifacts=" + artifacts, bright));
        JsonNode line = new ObjectMapper().readTree(out);
        assertEquals(bright, line.get("path").asText());
        assertEquals("selfie", line.get("label").asText());
        assertEquals(0.8, line.get("probability").doubleValue(), 1e-6);
    }

    @Test
    public void missingOrAlteredArtifactsExitTwoWithOneLine() throws IOException {
        Path empty = temp.newFolder("empty").toPath();
        assertEquals(2, run("--artifacts", empty.toString(), bright));
        assertEquals(err, 1, err.split("\n").length);
        assertTrue(err, err.contains(empty.resolve("manifest.json").toString()));
        Files.write(artifacts.resolve("model.onnx"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(2, run("--artifacts", artifacts.toString(), bright));
        assertTrue(err, err.contains("model.onnx") && err.contains("altered"));
        assertEquals("", out);
    }

    @Test
    public void usageErrorsExitTwo() {
        assertEquals(2, run());
        assertTrue(err, err.contains("PICTURE"));
        assertEquals(2, run("--format", "tflite", bright));
        assertTrue(err, err.contains("unknown format 'tflite'"));
        assertEquals(2, run("--bogus", bright));
        assertTrue(err, err.startsWith("modelparity-java: error: ") && err.contains("--bogus"));
        assertEquals(2, run("--artifacts"));
        assertEquals("", out);
    }

    @Test
    public void helpAndVersion() {
        assertEquals(0, run("--help"));
        assertTrue(out, out.startsWith("usage: modelparity-java"));
        assertTrue(out, out.contains("--format") && out.contains("exit status"));
        assertEquals(0, run("--version"));
        assertTrue(out, out.matches("modelparity-java \\d+\\.\\d+\\.\\d+\\S*\n"));
        assertEquals("", err);
    }

    /**
     * A long command line, as xargs or a shell glob makes one: ONNX Runtime Java 1.29.0 died
     * with SIGSEGV on its first run once the JVM's arguments passed about 20 kB. Runs the
     * command line in a JVM of its own, with 700 paths of about 100 bytes each.
     */
    @Test
    public void aLongCommandLineIsClassifiedNotACrash() throws Exception {
        Path deep = temp.newFolder("a-folder-with-a-long-name-as-photo-libraries-make-them",
                "another-level-of-folders-like-a-year-and-a-month").toPath();
        Path picture = TinyArtifacts.greyPicture(deep.resolve("bright.png"), 204, 16, 16);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--artifacts", artifacts.toString()));
        for (int i = 0; i < 700; i++) {
            command.add(picture.toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertTrue("still running after 120 s", p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        String text = new String(output, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("exit status (139 is SIGSEGV): " + text.substring(0, Math.min(300, text.length())),
                0, p.exitValue());
        assertEquals(700, text.lines().filter(l -> l.startsWith(picture + "\t")).count());
    }
}
