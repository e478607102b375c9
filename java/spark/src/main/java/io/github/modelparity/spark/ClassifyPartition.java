package io.github.modelparity.spark;

import io.github.modelparity.Classification;
import io.github.modelparity.Classifier;
import io.github.modelparity.LabelProbability;
import io.github.modelparity.PictureException;
import io.github.modelparity.PreparedPicture;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SerializableWritable;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Classifies one task's share of the listed files (a partition holding one {@link ListedFiles})
 * in batches: reads each file (a local one directly, any other through Hadoop's FileSystem),
 * decodes its bytes as the core library does a file, runs the executor's shared model once
 * per batch, and yields one row per picture in {@link #schema(int)}. A picture that cannot be
 * read or decoded, or is longer than the maximum, is a row with its error, never a failed task.
 */
final class ClassifyPartition implements FlatMapFunction<Iterator<ListedFiles>, Row> {
    private static final long serialVersionUID = 1L;

    /** One of the top K: a label and its probability. */
    static final StructType LABEL_PROBABILITY = new StructType()
            .add("label", DataTypes.StringType, false)
            .add("probability", DataTypes.DoubleType, false);

    /**
     * One row per picture: a result (label, probability, with top &gt; 0 the top K) or an
     * error, never both.
     *
     * @param top how many of the most probable labels each row lists, 0 for no such column
     * @return path, label, probability, [top,] error, model_sha256
     */
    static StructType schema(int top) {
        StructType s = new StructType()
                .add("path", DataTypes.StringType, false)
                .add("label", DataTypes.StringType, true)
                .add("probability", DataTypes.FloatType, true);
        if (top > 0) {
            s = s.add("top", DataTypes.createArrayType(LABEL_PROBABILITY, false), true);
        }
        return s.add("error", DataTypes.StringType, true)
                .add("model_sha256", DataTypes.StringType, false);
    }

    private final ModelRef model;
    private final int batch;
    private final int top;
    private final long maxBytes;
    private final LongAccumulator pictures;
    private final LongAccumulator errors;
    private final Broadcast<SerializableWritable<Configuration>> hadoop;

    /**
     * @param top how many of the most probable labels each row lists (0: no top column)
     * @param maxBytes the longest file read (a longer one is an error row, never read)
     * @param pictures counts the rows written
     * @param errors counts the error rows
     * @param hadoop the driver's Hadoop configuration, to open the files with
     */
    ClassifyPartition(ModelRef model, int batch, int top, long maxBytes, LongAccumulator pictures,
            LongAccumulator errors, Broadcast<SerializableWritable<Configuration>> hadoop) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, not " + batch);
        }
        this.model = model;
        this.batch = batch;
        this.top = top;
        this.maxBytes = maxBytes;
        this.pictures = pictures;
        this.errors = errors;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<ListedFiles> shares) {
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private final TaskFiles files = new TaskFiles();
            private ListedFiles share;
            private int next;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && (share != null && next < share.size() || shares.hasNext())) {
                    if (share == null || next == share.size()) {
                        share = shares.next();
                        next = 0;
                    } else {
                        int to = Math.min(share.size(), next + batch);
                        ready.addAll(classify(share, next, to, files));
                        next = to;
                    }
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    /** Classifies files [from, to) of a share, one model call: their result rows, in order. */
    private List<Row> classify(ListedFiles share, int from, int to, TaskFiles files) {
        List<String> paths = new ArrayList<>(to - from);
        List<PreparedPicture> inputs = new ArrayList<>(to - from);
        List<String> failures = new ArrayList<>(to - from); // null where the picture decoded
        Classifier classifier = null;
        for (int f = from; f < to; f++) {
            String path = share.paths()[f];
            paths.add(path);
            long length = share.lengths()[f];
            if (length > maxBytes) {
                failures.add(tooLarge(length));
                continue;
            }
            byte[] content;
            try {
                content = files.read(path, length);
            } catch (IOException | RuntimeException e) {
                failures.add("cannot read (" + e.getMessage() + ")");
                continue;
            }
            if (content.length > maxBytes) { // its length was not listed
                failures.add(tooLarge(content.length));
                continue;
            }
            if (classifier == null) {
                classifier = ExecutorClassifiers.shared(model);
            }
            try {
                inputs.add(classifier.prepare(path, content));
                failures.add(null);
            } catch (PictureException e) {
                failures.add(e.reason());
            } catch (RuntimeException e) {
                // A decoder bug on one odd file must not fail the task that holds thousands.
                failures.add("unreadable picture (" + e + ")");
            }
        }
        List<Classification> results = inputs.isEmpty() ? List.of() : classifier.classifyPrepared(inputs);
        List<Row> out = new ArrayList<>(paths.size());
        int next = 0;
        long failed = 0;
        for (int i = 0; i < paths.size(); i++) {
            String failure = failures.get(i);
            if (failure != null) {
                out.add(top > 0 ? RowFactory.create(paths.get(i), null, null, null, failure, model.sha256())
                        : RowFactory.create(paths.get(i), null, null, failure, model.sha256()));
                failed++;
            } else {
                Classification c = results.get(next++);
                out.add(top > 0 ? RowFactory.create(paths.get(i), c.label(), c.probability(), topRows(c), null,
                        model.sha256()) : RowFactory.create(paths.get(i), c.label(), c.probability(), null, model.sha256()));
            }
        }
        pictures.add(paths.size());
        errors.add(failed);
        return out;
    }

    private String tooLarge(long length) {
        return "file too large to read (" + length + " bytes; at most " + maxBytes
                + ", spark.sql.sources.binaryFile.maxLength)";
    }

    /**
     * Reads files for one task. A local file is read directly, as the CLI reads it: Hadoop's
     * local open looks for a checksum file (an exception a picture) and allocates a 64 KB
     * buffer, and parsing the path and finding its FileSystem cost a sixth of a thumbnail's
     * time again. Any other goes through Hadoop.
     */
    private final class TaskFiles {
        private Boolean localIsPlain; // found once a task

        /** The file's bytes: as many as listed, or all it has when its length was not listed. */
        byte[] read(String path, long length) throws IOException {
            java.nio.file.Path local = ListedFiles.localFile(path);
            if (local != null && localIsPlain()) {
                return java.nio.file.Files.readAllBytes(local);
            }
            Path file = new Path(path);
            FileSystem fs = file.getFileSystem(hadoop.value().value());
            try (FSDataInputStream in = fs.open(file)) {
                if (length < 0) {
                    return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                }
                byte[] content = new byte[(int) length];
                in.readFully(content);
                return content;
            }
        }

        private boolean localIsPlain() throws IOException {
            if (localIsPlain == null) {
                localIsPlain = ListedFiles.localIsPlain(hadoop.value().value());
            }
            return localIsPlain;
        }
    }

    /** The top K as Spark's external type for an array column: a Scala Seq of structs. */
    private scala.collection.immutable.Seq<Row> topRows(Classification c) {
        List<Row> rows = new ArrayList<>(top);
        for (LabelProbability p : c.top(top)) {
            rows.add(RowFactory.create(p.label(), p.probability()));
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(rows).toList();
    }
}
