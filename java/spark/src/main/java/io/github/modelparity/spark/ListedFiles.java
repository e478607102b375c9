package io.github.modelparity.spark;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.util.HadoopFSUtils;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Files a binaryFile load listed, sorted by path, with their lengths: taken from the load's
 * own listing (done once, on the driver, in load(), glob filter and Spark's hidden-file rules
 * applied), so that nothing is listed twice and no Spark job runs to find them. The executors
 * read the files themselves ({@link ClassifyPartition}): binaryFile's scan would cut them into
 * tasks by bytes plus a 4 MB charge a file (32 thumbnails a task), never makes a row of an
 * empty file, and fails its task on a file over its maximum length.
 *
 * <p>A task's share travels as one of these (two arrays), not as a row a file: a thousand
 * rows a task cost their Java serialization and two conversions each (to Spark's internal
 * rows and back) before a picture was read.
 *
 * @param paths the files, as binaryFile's path column spells them
 * @param lengths each file's length in bytes, -1 where not known
 */
record ListedFiles(String[] paths, long[] lengths) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** How binaryFile spells a local file: this, then the absolute path, not URI-escaped. */
    private static final String LOCAL = "file:";

    ListedFiles {
        if (paths.length != lengths.length) {
            throw new IllegalArgumentException(paths.length + " paths, " + lengths.length + " lengths");
        }
    }

    /**
     * The listed files, sorted by path. From the load's file index, with lengths; if Spark's
     * internals no longer expose it, from {@code inputFiles()} (public, no lengths: each
     * executor then finds a file's length as it reads it).
     *
     * @param binaryFiles a binaryFile load
     * @return its files
     */
    static ListedFiles of(Dataset<Row> binaryFiles) {
        List<String> paths = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        PartitioningAwareFileIndex index = index(binaryFiles);
        if (index != null) {
            for (FileStatus f : CollectionConverters.asJava(index.allFiles())) {
                if (!f.isDirectory()) {
                    paths.add(f.getPath().toString());
                    lengths.add(f.getLen());
                }
            }
        } else {
            for (String uri : binaryFiles.inputFiles()) {
                paths.add(new Path(URI.create(uri)).toString());
                lengths.add(-1L);
            }
        }
        return sorted(paths, lengths);
    }

    /**
     * The files under local folders, listed as {@code binaryFile} with recursive lookup and a
     * path glob filter lists them (the same paths, spelled the same), but with java.nio:
     * Hadoop's local listing builds a qualified Path and makes four stat calls a file, 55 µs a
     * thumbnail on the driver before any task starts, a tenth of the job's time a picture.
     * Spark's rules are applied, not restated: {@link HadoopFSUtils#shouldFilterOutPathName}
     * for every name (hidden, {@code _}-prefixed, {@code ._COPYING_}), Hadoop's GlobPattern
     * for file names; links are followed, a dangling one skipped, as Hadoop's local listing
     * does. Where this walk could differ from Spark's (an input that is not a local folder, a
     * glob, a loop of links), it answers null and the job lists with Spark.
     * ListedFilesTest holds the two listings equal on the odd cases.
     *
     * @param inputs the job's --input values
     * @param glob the file-name glob (--glob or the picture extensions)
     * @param hadoop the job's Hadoop configuration
     * @return the files, sorted by path; null where Spark must list them
     */
    static ListedFiles local(List<String> inputs, String glob, Configuration hadoop) {
        List<java.nio.file.Path> folders = new ArrayList<>();
        try {
            if (!localIsPlain(hadoop)) {
                return null;
            }
            for (String input : inputs) {
                Path given = new Path(input);
                String scheme = given.toUri().getScheme();
                if (new GlobPattern(input).hasWildcard() || scheme != null && !scheme.equals("file")
                        || given.toUri().getAuthority() != null) {
                    return null;
                }
                java.nio.file.Path folder = java.nio.file.Path.of(given.toUri().getPath()).toAbsolutePath().normalize();
                if (!Files.isDirectory(folder)) {
                    return null; // a file, or nothing: Spark's rules and Spark's error
                }
                folders.add(folder);
            }
            GlobPattern names = new GlobPattern(glob);
            Map<String, Long> files = new LinkedHashMap<>(); // overlapping inputs list a file once, as Spark does
            for (java.nio.file.Path folder : folders) {
                if (!walk(folder, names, new HashSet<>(), files)) {
                    return null;
                }
            }
            return sorted(new ArrayList<>(files.keySet()), new ArrayList<>(files.values()));
        } catch (IOException | RuntimeException e) {
            return null; // whatever it is, Spark's listing will say it in its own words
        }
    }

    /** Lists one folder into files (path to length); false on a loop of links. */
    private static boolean walk(java.nio.file.Path folder, GlobPattern names, Set<Object> above, Map<String, Long> files)
            throws IOException {
        Object key = Files.readAttributes(folder, BasicFileAttributes.class).fileKey();
        if (key == null || !above.add(key)) {
            return false;
        }
        try (DirectoryStream<java.nio.file.Path> entries = Files.newDirectoryStream(folder)) {
            for (java.nio.file.Path entry : entries) {
                String name = entry.getFileName().toString();
                if (HadoopFSUtils.shouldFilterOutPathName(name)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(entry, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue; // a dangling link, or gone since the folder was read
                }
                if (attributes.isDirectory()) {
                    if (!walk(entry, names, above, files)) {
                        return false;
                    }
                } else if (names.matches(name)) {
                    files.put(LOCAL + entry, attributes.size());
                }
            }
        }
        above.remove(key);
        return true;
    }

    /**
     * @param listed a listed path
     * @return the local file it names, or null for any other ({@code file://host/...}, {@code hdfs:...})
     */
    static java.nio.file.Path localFile(String listed) {
        return listed.startsWith(LOCAL + "/") && !listed.startsWith(LOCAL + "//")
                ? java.nio.file.Path.of(listed.substring(LOCAL.length())) : null;
    }

    /**
     * @param hadoop a Hadoop configuration
     * @return whether it reads {@code file:} with Hadoop's own LocalFileSystem, so that
     *         java.nio reads the same files (no other file system is configured for it)
     * @throws IOException if Hadoop cannot make the file system
     */
    static boolean localIsPlain(Configuration hadoop) throws IOException {
        return FileSystem.get(URI.create(LOCAL + "///"), hadoop) instanceof LocalFileSystem;
    }

    /** @return the files sorted by path */
    private static ListedFiles sorted(List<String> paths, List<Long> lengths) {
        Integer[] order = new Integer[paths.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(paths::get));
        String[] p = new String[order.length];
        long[] l = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            p[i] = paths.get(order[i]);
            l[i] = lengths.get(order[i]);
        }
        return new ListedFiles(p, l);
    }

    /** @return how many files */
    int size() {
        return paths.length;
    }

    /**
     * The files cut into {@code tasks} runs in order, as Spark's parallelize cuts a list:
     * run i is [i * n / tasks, (i + 1) * n / tasks).
     *
     * @param tasks how many runs, at least 1
     * @return the runs, some empty when there are fewer files than tasks
     */
    List<ListedFiles> slices(int tasks) {
        List<ListedFiles> out = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            int from = (int) ((long) i * paths.length / tasks);
            int to = (int) ((long) (i + 1) * paths.length / tasks);
            out.add(new ListedFiles(Arrays.copyOfRange(paths, from, to), Arrays.copyOfRange(lengths, from, to)));
        }
        return out;
    }

    private static PartitioningAwareFileIndex index(Dataset<Row> binaryFiles) {
        if (!(binaryFiles instanceof org.apache.spark.sql.classic.Dataset<Row> classic)) {
            return null;
        }
        LogicalPlan plan = classic.queryExecution().analyzed();
        return plan instanceof LogicalRelation relation && relation.relation() instanceof HadoopFsRelation fs
                && fs.location() instanceof PartitioningAwareFileIndex index ? index : null;
    }
}
