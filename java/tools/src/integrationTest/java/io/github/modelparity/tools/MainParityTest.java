package io.github.modelparity.tools;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.github.modelparity.TestData;
import io.github.modelparity.manifest.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The command line on the exported artifacts: every format, a small stack, Python's bad pictures. */
public class MainParityTest {
    private String out;
    private String err;

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

    private List<String> someOddPictures() throws IOException {
        List<String> picked = new ArrayList<>();
        for (String l : TestData.referencePaths()) {
            if (!TestData.isSeed(l) && picked.size() < 4) {
                picked.add(TestData.picture(l).toString());
            }
        }
        return picked;
    }

    /**
     * The command line on a JVM whose threads get 512 KB stacks (-Xss512k, the launcher's
     * main thread included): ONNX Runtime's session creation overflowed such a stack and the
     * JVM died with SIGSEGV, until models were loaded on a large-stack thread of their own.
     */
    @Test
    public void smallMainThreadStackStillClassifies() throws IOException, InterruptedException {
        String picture = TestData.picture(TestData.referencePaths().get(0)).toString();
        for (String format : new String[] {"onnx", "savedmodel"}) {
            Path output = Files.createTempFile("modelparity-cli", ".txt");
            Process p = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss512k",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "--artifacts", TestData.artifacts().toString(), "--format", format, picture)
                    .redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            int status = p.waitFor();
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            Files.delete(output);
            assertEquals(format + ": exit status (139 is SIGSEGV)", 0, status);
            assertEquals(1, lines.size());
            assertTrue(lines.get(0), lines.get(0).startsWith(picture + "\t"));
        }
    }

    @Test
    public void linesAreTabSeparatedWithSixDecimals() throws IOException {
        List<String> pics = someOddPictures();
        List<String> args = new ArrayList<>(List.of("--artifacts", TestData.artifacts().toString()));
        args.addAll(pics);
        assertEquals(err, 0, run(args.toArray(new String[0])));
        String[] lines = out.split("\n");
        assertEquals(pics.size(), lines.length);
        for (int i = 0; i < lines.length; i++) {
            String[] cols = lines[i].split("\t");
            assertEquals(3, cols.length);
            assertEquals(pics.get(i), cols[0]);
            assertTrue(cols[2], cols[2].matches("[01]\\.\\d{6}"));
        }
    }

    @Test
    public void badPictureIsNamedOthersStillClassifiedExitOne() throws IOException {
        List<String> pics = someOddPictures();
        String bad = TestData.reference().resolve("bad/truncated.png").toString();
        String format = Manifest.read(TestData.artifacts()).artifacts().containsKey("onnx_int8")
                ? "onnx_int8" : "onnx";
        int status = run("--artifacts", TestData.artifacts().toString(), "--format", format,
                pics.get(0), bad, pics.get(1));
        assertEquals(1, status);
        assertEquals(2, out.split("\n").length);
        assertTrue(err, err.contains(bad));
        assertEquals(err, 1, err.trim().split("\n").length);
    }

    @Test
    public void jsonLines() throws IOException {
        List<String> pics = someOddPictures();
        assertEquals(err, 0, run("--json", "--format=savedmodel", "--artifacts", TestData.artifacts().toString(), pics.get(0)));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(out.trim(), Map.class);
        assertEquals(pics.get(0), m.get("path"));
        assertTrue(m.get("probability") instanceof Double);
        assertTrue(m.containsKey("label"));
    }

}
