package io.github.modelparity.spark;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The job's own walk of local folders lists what binaryFile's listing lists, spelled the same,
 * with the same lengths: on hidden and underscore names, partition-like and metadata names,
 * files being copied, upper-case extensions, odd characters, links followed and dangling.
 * Where the walk would differ from Spark (globs, files, loops), it declines.
 */
public class ListedFilesTest {
    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();
    private static SparkSession spark;

    @BeforeClass
    public static void start() {
        spark = SparkSession.builder().master("local[1]").appName("ListedFilesTest")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterClass
    public static void stop() throws IOException {
        spark.close();
    }

    private static void file(Path p, int bytes) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[bytes]);
    }

    private static ListedFiles spark(List<String> inputs, String glob) {
        return ListedFiles.of(spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .option("pathGlobFilter", glob).load(inputs.toArray(new String[0])));
    }

    private static void assertSame(List<String> inputs, String glob) {
        ListedFiles ours = ListedFiles.local(inputs, glob, spark.sparkContext().hadoopConfiguration());
        assertNotNull("the walk declined " + inputs, ours);
        ListedFiles theirs = spark(inputs, glob);
        assertArrayEquals(inputs + " " + glob, theirs.paths(), ours.paths());
        assertArrayEquals(inputs + " " + glob, theirs.lengths(), ours.lengths());
    }

    @Test
    public void theWalkListsWhatSparkLists() throws Exception {
        Path root = TMP.newFolder("pictures").toPath();
        Path outside = TMP.newFolder("outside").toPath();
        int n = 1;
        for (String name : new String[] {"a.png", "B.PNG", "c.jpeg", "notes.txt", ".hidden.png", "_under.png",
            "_part=1/p.png", "_metadata/m.png", "_common_metadata.png", "copying.png._COPYING_", ".dir/x.png",
            "_dir/x.png", "deep/er/still/d.webp", "odd name 'quoted' \"double\" 50% a:b [1] {2} é 照片.png",
            "dir.png/inside.gif"}) {
            file(root.resolve(name), n++);
        }
        file(outside.resolve("linked.png"), 99);
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("dangling.png"), root.resolve("nothing-here.png"));
        Files.createSymbolicLink(root.resolve("file-link.png"), root.resolve("a.png"));
        String glob = ClassifyPictures.picturesGlob();

        assertSame(List.of(root.toString()), glob);
        assertSame(List.of(root + "/", "file://" + outside), glob);
        assertSame(List.of(root.resolve("deep") + "/../deep/./er"), glob);
        assertSame(List.of(root.toString(), root.resolve("deep").toString(), root + "/"), glob); // overlapping
        assertSame(List.of(root.toString()), "*");
        assertSame(List.of(root.toString()), "*.{png,gif}");
        assertEquals(11, ListedFiles.local(List.of(root.toString()), glob, spark.sparkContext().hadoopConfiguration())
                .size());

        // Spark's own rules or errors: a file, a glob, a missing folder, a loop of links
        Files.createSymbolicLink(root.resolve("deep").resolve("up"), root);
        for (String input : new String[] {root.resolve("a.png").toString(), root + "/*", root + "/missing",
            root.toString()}) {
            assertNull(input, ListedFiles.local(List.of(input), glob, spark.sparkContext().hadoopConfiguration()));
        }
    }
}
