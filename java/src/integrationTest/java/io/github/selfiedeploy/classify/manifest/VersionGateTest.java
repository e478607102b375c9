package io.github.selfiedeploy.classify.manifest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfiedeploy.classify.ArtifactException;
import io.github.selfiedeploy.classify.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/**
 * The manifest version gate held to Python's fixtures (python -m tests.versiongate, written to
 * build/reference/versiongate by gradle's pythonReference task): for every case, Java's
 * problem is the fixture's word for word, and Manifest.read refuses with "FILE: PROBLEM"; a
 * case with none is read.
 */
public class VersionGateTest {
    @Test
    public void everyCaseSaysWhatPythonSays() throws IOException {
        Path folder = TestData.reference().resolve("versiongate");
        Path cases = folder.resolve("cases.json");
        assertTrue(cases + " missing: run python -m tests.versiongate " + folder, Files.isRegularFile(cases));
        ObjectMapper json = new ObjectMapper();
        JsonNode list = json.readTree(cases.toFile());
        assertTrue("no cases in " + cases, list.size() > 0);
        int read = 0;
        for (JsonNode c : list) {
            String name = c.get("name").asText();
            String expected = c.get("problem").isNull() ? null : c.get("problem").asText();
            Path dir = folder.resolve(name);
            Path file = dir.resolve(Manifest.FILE_NAME);
            assertEquals(name, expected, Manifest.versionProblem(json.readTree(file.toFile())));
            String said; // what Java says of it, printed for the record
            if (expected == null) {
                Manifest m = Manifest.read(dir); // any refusal here is a failure, version or not
                assertEquals(name, m.preprocessingVersion(), json.readTree(file.toFile())
                        .get("preprocessing").get("version").intValue());
                said = "read (schema_version 3, preprocessing version " + m.preprocessingVersion() + ")";
                read++;
            } else {
                try {
                    Manifest.read(dir);
                    fail(name + ": read, Python says " + expected);
                    return;
                } catch (ArtifactException e) {
                    assertEquals(name, file + ": " + expected, e.getMessage());
                    said = e.getMessage().substring(folder.toString().length() + 1);
                }
            }
            System.out.println("versiongate " + name + ": " + said);
        }
        assertTrue("no case is read", read > 0);
    }
}
