package io.github.modelparity.spark;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The output folder written whole or not at all. Spark writes into a new staging folder
 * beside the output ({@code .NAME.partial-UUID}, through its output committer, which marks a
 * finished job with {@code _SUCCESS}); only a finished job's folder is renamed into place.
 * With overwrite, the old output is first renamed aside ({@code .NAME.old-UUID}) and deleted
 * once the new one is in place. A failed or killed job leaves the old output as it was.
 * (Spark's own SaveMode.Overwrite deletes the old output before it starts writing.)
 */
final class StagedOutput {
    private final FileSystem fs;
    private final Path output;
    private final Path staging;

    private StagedOutput(FileSystem fs, Path output, Path staging) {
        this.fs = fs;
        this.output = output;
        this.staging = staging;
    }

    /**
     * Checks the output folder and picks a staging folder beside it; nothing is written yet.
     *
     * @throws OutputException if the output exists and overwrite is false, or its parent
     *         folder cannot be used
     */
    static StagedOutput prepare(String output, boolean overwrite, Configuration hadoop) throws IOException {
        Path out = new Path(output);
        FileSystem fs = out.getFileSystem(hadoop);
        out = fs.makeQualified(out);
        if (fs.exists(out)) {
            if (!overwrite) {
                throw new OutputException(output + ": output already exists (give --overwrite to replace it)");
            }
            if (!fs.getFileStatus(out).isDirectory()) {
                throw new OutputException(output + ": exists and is not a folder; not replacing it");
            }
        }
        Path parent = out.getParent();
        if (parent == null) {
            throw new OutputException(output + ": the output cannot be a file system's root");
        }
        if (fs.exists(parent) && !fs.getFileStatus(parent).isDirectory()) {
            throw new OutputException(output + ": " + parent + " is not a folder");
        }
        String id = UUID.randomUUID().toString();
        return new StagedOutput(fs, out, new Path(parent, "." + out.getName() + ".partial-" + id));
    }

    /** Where Spark writes (a folder that does not exist yet). */
    String staging() {
        return staging.toString();
    }

    /** Puts the finished staging folder in place of the output. */
    void commit() throws IOException {
        Path old = null;
        if (fs.exists(output)) {
            old = new Path(output.getParent(), "." + output.getName() + ".old-" + UUID.randomUUID());
            rename(output, old);
        }
        try {
            rename(staging, output);
        } catch (IOException e) {
            if (old != null) {
                fs.rename(old, output); // put the previous output back
            }
            throw e;
        }
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /** Deletes whatever a failed job left in the staging folder. */
    void abandon() {
        try {
            fs.delete(staging, true);
        } catch (IOException e) {
            // best effort: a .partial- folder is never taken for output
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    /** The output folder cannot be written as asked. */
    static final class OutputException extends IOException {
        private static final long serialVersionUID = 1L;

        OutputException(String message) {
            super(message);
        }
    }
}
