package io.github.selfiedeploy.classify.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The empty files a binaryFile load listed. Spark's scan splits each file into byte ranges
 * and an empty file has none, so it never becomes a row; an empty picture is still a broken
 * picture, and must get its error row. They are taken from the load's own file listing (held
 * on the driver, glob filter applied), so nothing is listed twice.
 */
final class EmptyFiles {
    private EmptyFiles() {
    }

    /**
     * The paths (as binaryFile's path column spells them) of the listed files with no bytes;
     * none when the plan is not a plain file listing (Spark internals changed).
     */
    static List<String> of(Dataset<Row> binaryFiles) {
        if (!(binaryFiles instanceof org.apache.spark.sql.classic.Dataset<Row> classic)) {
            return List.of();
        }
        LogicalPlan plan = classic.queryExecution().analyzed();
        if (!(plan instanceof LogicalRelation relation && relation.relation() instanceof HadoopFsRelation fs
                && fs.location() instanceof PartitioningAwareFileIndex index)) {
            return List.of();
        }
        List<String> empty = new ArrayList<>();
        for (FileStatus f : CollectionConverters.asJava(index.allFiles())) {
            if (f.getLen() == 0 && !f.isDirectory()) {
                empty.add(f.getPath().toString());
            }
        }
        return empty;
    }
}
