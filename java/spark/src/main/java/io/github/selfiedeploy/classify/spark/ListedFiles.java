package io.github.selfiedeploy.classify.spark;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The files a binaryFile load listed, with their lengths, sorted by path: taken from the
 * load's own listing (done once, on the driver, in load(), glob filter and Spark's hidden-file
 * rules applied), so that nothing is listed twice and no Spark job runs to find them. The
 * executors read the files themselves ({@link ClassifyPartition}): binaryFile's scan would cut
 * them into tasks by bytes plus a 4 MB charge a file (32 thumbnails a task), never makes a row
 * of an empty file, and fails its task on a file over its maximum length.
 */
final class ListedFiles {
    /** A listed file: path (as binaryFile's path column spells it) and length, -1 when not known. */
    static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("length", DataTypes.LongType, false);

    private ListedFiles() {
    }

    /**
     * The listed files, sorted by path. From the load's file index, with lengths; if Spark's
     * internals no longer expose it, from {@code inputFiles()} (public, no lengths: each
     * executor then finds a file's length as it reads it).
     *
     * @param binaryFiles a binaryFile load
     * @return rows of {@link #SCHEMA}
     */
    static List<Row> of(Dataset<Row> binaryFiles) {
        List<Row> files = new ArrayList<>();
        PartitioningAwareFileIndex index = index(binaryFiles);
        if (index != null) {
            for (FileStatus f : CollectionConverters.asJava(index.allFiles())) {
                if (!f.isDirectory()) {
                    files.add(RowFactory.create(f.getPath().toString(), f.getLen()));
                }
            }
        } else {
            for (String uri : binaryFiles.inputFiles()) {
                files.add(RowFactory.create(new Path(URI.create(uri)).toString(), -1L));
            }
        }
        files.sort(Comparator.comparing(r -> r.getString(0)));
        return files;
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
