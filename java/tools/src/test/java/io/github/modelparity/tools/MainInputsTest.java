package io.github.modelparity.tools;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.github.modelparity.TinyArtifacts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What the command's PICTURE arguments name: a folder's pictures, an @LIST file, - for standard input. */
public class MainInputsTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private String out;
    private String err;
    private Path artifacts;
    private Path folder;

    /**
     * A folder of pictures, subfolders, a hidden file and folder, a text file, an upper-case
     * extension and a link to a folder outside it.
     */
    @Before
    public void setUp() throws IOException {
        artifacts = TinyArtifacts.write(temp.newFolder("artifacts").toPath());
        folder = temp.newFolder("pics").toPath();
        Path outside = temp.newFolder("outside").toPath();
        Files.createDirectories(folder.resolve("b/c"));
        Files.createDirectories(folder.resolve(".cache"));
        TinyArtifacts.greyPicture(folder.resolve("b/c/z.png"), 204, 8, 8);
        TinyArtifacts.greyPicture(folder.resolve("b/a.PNG"), 51, 8, 8);
        TinyArtifacts.greyPicture(folder.resolve("b-c.png"), 204, 8, 8);
        TinyArtifacts.greyPicture(folder.resolve(".hidden.png"), 204, 8, 8);
        TinyArtifacts.greyPicture(folder.resolve(".cache/x.png"), 204, 8, 8);
        TinyArtifacts.greyPicture(outside.resolve("o.png"), 51, 8, 8);
        Files.writeString(folder.resolve("notes.txt"), "not a picture");
        Files.createSymbolicLink(folder.resolve("linked"), outside);
    }

    private int run(InputStream stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, stdin, po, pe);
        }
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return status;
    }

    private List<String> printedPaths() {
        return out.lines().map(l -> l.split("\t")[0]).collect(Collectors.toList());
    }

    /** Sorted by the whole path as a string: "b-c.png" before "b/a.PNG" ('-' sorts before '/'). */
    @Test
    public void aFolderIsItsPicturesRecursivelySortedByPath() {
        assertEquals(err, 0, run(InputStream.nullInputStream(), "--artifacts", artifacts.toString(), folder.toString()));
        assertEquals(List.of(folder + "/b-c.png", folder + "/b/a.PNG", folder + "/b/c/z.png", folder + "/linked/o.png"),
                printedPaths());
        assertEquals(folder + "/b/a.PNG\tnot_selfie\t0.200000", out.lines().collect(Collectors.toList()).get(1));
        // A trailing slash is not doubled; pictures and folders mix, in the order given.
        String first = folder.resolve("b/c/z.png").toString();
        assertEquals(err, 0, run(InputStream.nullInputStream(), "--artifacts", artifacts.toString(), first,
                folder.resolve("b") + "/"));
        assertEquals(List.of(first, folder + "/b/a.PNG", folder + "/b/c/z.png"), printedPaths());
    }

    @Test
    public void aListFileAndStandardInputGiveOnePictureOrFolderALine() throws IOException {
        String spaced = TinyArtifacts.greyPicture(folder.resolve("with  two spaces 'and quotes'.png"), 51, 8, 8).toString();
        Path list = temp.getRoot().toPath().resolve("list.txt");
        Files.writeString(list, spaced + "\n\n" + folder.resolve("b") + "\r\n");
        List<String> expected = List.of(spaced, folder + "/b/a.PNG", folder + "/b/c/z.png");
        assertEquals(err, 0, run(InputStream.nullInputStream(), "--artifacts", artifacts.toString(), "@" + list));
        assertEquals(expected, printedPaths());
        InputStream stdin = new ByteArrayInputStream(Files.readAllBytes(list));
        assertEquals(err, 0, run(stdin, "--artifacts", artifacts.toString(), "-"));
        assertEquals(expected, printedPaths());
    }

    @Test
    public void aMissingListIsAUsageErrorAnEmptyFolderAFailure() throws IOException {
        Path missing = temp.getRoot().toPath().resolve("nothing.txt");
        assertEquals(2, run(InputStream.nullInputStream(), "--artifacts", artifacts.toString(), "@" + missing));
        assertEquals("modelparity-java: error: " + missing + ": cannot read the list of pictures (no such file)\n", err);
        assertEquals("", out);

        Path empty = temp.newFolder("empty").toPath();
        String picture = folder.resolve("b-c.png").toString();
        assertEquals(1, run(InputStream.nullInputStream(), "--artifacts", artifacts.toString(), empty.toString(), picture));
        assertTrue(err, err.startsWith("modelparity-java: error: " + empty + ": no pictures in this folder (bmp, "));
        assertEquals(1, err.lines().count());
        assertEquals(List.of(picture), printedPaths());
    }
}
