package io.github.modelparity.spark;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The output folder is replaced whole or left as it was, on Hadoop's local file system. */
public class StagedOutputTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path previousOutput() throws IOException {
        Path out = temp.getRoot().toPath().resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("part-0.json"), "previous\n");
        return out;
    }

    private List<String> hidden() throws IOException {
        try (Stream<Path> s = Files.list(temp.getRoot().toPath())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).collect(Collectors.toList());
        }
    }

    /** What a Spark job leaves in the staging folder before it fails or finishes. */
    private static void write(String staging, String text) throws IOException {
        Path dir = Path.of(new org.apache.hadoop.fs.Path(staging).toUri().getPath());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("part-0.json"), text, StandardCharsets.UTF_8);
    }

    @Test
    public void anExistingOutputNeedsOverwrite() throws IOException {
        Path out = previousOutput();
        StagedOutput.OutputException e = assertThrows(StagedOutput.OutputException.class,
                () -> StagedOutput.prepare(out.toString(), false, new Configuration()));
        assertEquals(out + ": output already exists (give --overwrite to replace it)", e.getMessage());
    }

    @Test
    public void aFailedJobLeavesThePreviousOutputAsItWas() throws IOException {
        Path out = previousOutput();
        StagedOutput staged = StagedOutput.prepare(out.toString(), true, new Configuration());
        assertTrue(staged.staging(), staged.staging().contains("/.out.partial-"));
        write(staged.staging(), "half of the new output\n");
        staged.abandon();
        assertEquals("previous\n", Files.readString(out.resolve("part-0.json")));
        assertEquals(List.of(), hidden());
    }

    @Test
    public void aFinishedJobReplacesTheOutputWhole() throws IOException {
        Path out = previousOutput();
        StagedOutput staged = StagedOutput.prepare(out.toString(), true, new Configuration());
        write(staged.staging(), "new\n");
        assertEquals("previous\n", Files.readString(out.resolve("part-0.json")));
        staged.commit();
        assertEquals("new\n", Files.readString(out.resolve("part-0.json")));
        assertEquals(List.of(), hidden());
    }

    @Test
    public void aNewOutputNeedsNoOverwrite() throws IOException {
        Path out = temp.getRoot().toPath().resolve("fresh/out");
        StagedOutput staged = StagedOutput.prepare(out.toString(), false, new Configuration());
        write(staged.staging(), "new\n");
        staged.commit();
        assertEquals("new\n", Files.readString(out.resolve("part-0.json")));
        assertFalse(Files.exists(temp.getRoot().toPath().resolve("fresh/.out.old")));
    }
}
