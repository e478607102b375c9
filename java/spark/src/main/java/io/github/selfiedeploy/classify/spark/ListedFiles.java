package io.github.selfiedeploy.classify.spark;

import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
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
        record File(String path, long length) {
        }
        List<File> files = new ArrayList<>();
        PartitioningAwareFileIndex index = index(binaryFiles);
        if (index != null) {
            for (FileStatus f : CollectionConverters.asJava(index.allFiles())) {
                if (!f.isDirectory()) {
                    files.add(new File(f.getPath().toString(), f.getLen()));
                }
            }
        } else {
            for (String uri : binaryFiles.inputFiles()) {
                files.add(new File(new Path(URI.create(uri)).toString(), -1));
            }
        }
        files.sort(Comparator.comparing(File::path));
        return new ListedFiles(files.stream().map(File::path).toArray(String[]::new),
                files.stream().mapToLong(File::length).toArray());
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
