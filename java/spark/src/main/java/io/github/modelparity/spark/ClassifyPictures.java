package io.github.modelparity.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import io.github.modelparity.ArtifactException;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classifier;
import io.github.modelparity.commandline.CommandLines;
import io.github.modelparity.commandline.FormatConverter;
import io.github.modelparity.commandline.PictureArguments;
import io.github.modelparity.commandline.Version;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SerializableWritable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The Spark job: classifies every picture under the input folders (listed once on the driver
 * by Spark's binaryFile source, recursive, filtered by a glob; read by the tasks, at most
 * --pictures-per-task a task) with one model per executor JVM, and writes one row per
 * picture: path, label, probability, with --top K the K most probable labels (an array of
 * label/probability structs), error, model_sha256 (Parquet, JSON or CSV).
 *
 * <p>Exit status: 0 written (rows may carry errors: a broken picture is a row, never a failed
 * task); 1 the job failed (the previous output left as it was); 2 bad usage, a missing or
 * altered artifacts folder, a missing input, or an existing output without --overwrite, all
 * found on the driver before any task runs.
 */
@Command(name = ClassifyPictures.PROG, mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = ClassifyPictures.Version.class, synopsisHeading = "usage: ",
        description = {"Classify pictures at scale on Apache Spark with artifacts written by python -m python.export.",
                "Writes one row per picture: path, label, probability, [top,] error, model_sha256."},
        exitCodeListHeading = "%nexit status:%n",
        exitCodeList = {"0:written (broken pictures are rows with an error)",
                "1:the job failed; the previous output is left as it was",
                "2:bad usage, bad artifacts, missing input, or output exists without --overwrite"})
public final class ClassifyPictures implements Callable<Integer> {
    static final String PROG = "modelparity-spark";
    /**
     * Pictures a task by default. A task costs about 60 ms beyond its pictures (deserializing
     * it and Hadoop's configuration, opening and closing its output file): 4,000 thumbnails
     * are about 2 s of work, so that cost is 3% of it (6% at 1,000); 4,000 photos are a few
     * minutes, and fewer pictures than cores times this still make a task a core.
     */
    static final int PICTURES_PER_TASK = 4000;

    @Option(names = "--artifacts", paramLabel = "DIR", defaultValue = "artifacts",
            description = {"folder written by python -m python.export (default: ${DEFAULT-VALUE}); checked on the driver.",
                    "Each executor uses DIR when it is a folder there, else the folder of DIR's last name that",
                    "spark-submit --archives unpacked beside it (e.g. --archives artifacts.tgz#artifacts)"})
    private Path artifacts;

    @Option(names = "--input", paramLabel = "DIR", required = true, arity = "1..*", split = ",",
            description = "folders (or files, or Hadoop globs) to read, recursively; any Hadoop file system URI")
    private List<String> inputs;

    @Option(names = "--output", paramLabel = "DIR", required = true, description = "output folder (must not exist, unless --overwrite)")
    private String output;

    @Option(names = "--output-format", paramLabel = "F", defaultValue = "parquet",
            description = "parquet, json or csv (default: ${DEFAULT-VALUE})")
    private String outputFormat;

    @Option(names = "--overwrite", description = "replace an existing output folder, once the new one is complete")
    private boolean overwrite;

    @Option(names = "--format", paramLabel = "F", defaultValue = "onnx", converter = FormatConverter.class,
            description = "artifact to run: onnx, onnx_int8 or savedmodel (default: ${DEFAULT-VALUE})")
    private ArtifactFormat format;

    @Option(names = "--glob", paramLabel = "PATTERN",
            description = "file names to read (Hadoop glob on the name; default: the extensions "
                    + PictureArguments.SPELLED + ", any case)")
    private String glob;

    @Option(names = "--pictures-per-task", paramLabel = "N", defaultValue = "" + PICTURES_PER_TASK,
            description = {"at most N pictures a Spark task (default: ${DEFAULT-VALUE}); the tasks are a multiple",
                    "of the default parallelism, so every core has as many"})
    private int picturesPerTask;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + Classifier.BATCH,
            description = {"pictures read and prepared together (default: ${DEFAULT-VALUE}, as modelparity-java);",
                    "a model call takes as many, or fewer where the model's input is large"})
    private int batchSize;

    @Option(names = "--top", paramLabel = "K", converter = CommandLines.AtLeastOne.class,
            description = "also write the K most probable labels: a column top, an array of {label, probability}"
                    + " (in CSV, that array as JSON text)")
    private Integer top;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[2] (default: spark-submit's, else local[*])")
    private String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "a Spark setting, as spark-submit --conf takes it (repeatable)")
    private Map<String, String> conf = new LinkedHashMap<>();

    @Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs the job; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = CommandLines.of(new ClassifyPictures(), o, e, ClassifyPictures::oneLine);
        try {
            return cl.execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String writeFormat = outputFormat.toLowerCase(Locale.ROOT);
        if (!List.of("parquet", "json", "csv").contains(writeFormat)) {
            return usage(err, "--output-format must be parquet, json or csv, not '" + outputFormat + "'");
        }
        if (batchSize < 1) {
            return usage(err, "--batch-size must be at least 1, not " + batchSize);
        }
        if (picturesPerTask < 1) {
            return usage(err, "--pictures-per-task must be at least 1, not " + picturesPerTask);
        }
        // Fails fast, before Spark starts: the manifest, the artifact's sha256 and a load.
        ModelRef model;
        int topK;
        try (Classifier classifier = Classifier.open(artifacts, format)) {
            String sha256 = classifier.sha256().toLowerCase(Locale.ROOT);
            model = new ModelRef(artifacts.toString(), format, sha256);
            topK = top == null ? 0 : Math.min(top, classifier.labels().size());
        } catch (ArtifactException e) {
            err.println(PROG + ": error: " + e.getMessage());
            return 2;
        }
        long started = System.nanoTime();
        SparkSession.Builder builder = SparkSession.builder().appName(PROG);
        String chosen = master != null ? master : new SparkConf().get("spark.master", "local[*]");
        builder.master(chosen);
        if (chosen.startsWith("local")) {
            // One machine: the driver listens on loopback only, and no web UI is started.
            builder.config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false");
        }
        conf.forEach(builder::config);
        try (SparkSession spark = builder.getOrCreate()) {
            double startup = (System.nanoTime() - started) / 1e9;
            return classify(spark, model, topK, writeFormat, err, startup);
        }
    }

    private int classify(SparkSession spark, ModelRef model, int topK, String writeFormat, PrintWriter err,
            double startup)
            throws IOException {
        StagedOutput staged;
        try {
            staged = StagedOutput.prepare(output, overwrite, spark.sparkContext().hadoopConfiguration());
        } catch (StagedOutput.OutputException e) {
            err.println(PROG + ": error: " + e.getMessage());
            return 2;
        }
        // One listing, on the driver: local folders walked as binaryFile would list them, else
        // binaryFile's own. The executors read the files themselves, in tasks of at most
        // picturesPerTask files. Files longer than binaryFile's maximum become error rows,
        // found in the listing, never read.
        String names = glob != null ? glob : picturesGlob();
        ListedFiles listed = ListedFiles.local(inputs, names, spark.sparkContext().hadoopConfiguration());
        if (listed == null) {
            try {
                listed = ListedFiles.of(spark.read().format("binaryFile")
                        .option("recursiveFileLookup", "true")
                        .option("pathGlobFilter", names)
                        .load(inputs.toArray(new String[0])));
            } catch (Exception e) { // Scala's AnalysisException (no such input folder), undeclared in Java
                if (!(e instanceof AnalysisException)) {
                    throw e;
                }
                err.println(PROG + ": error: " + oneLine(e));
                return 2;
            }
        }
        long maxBytes = Long.parseLong(spark.conf().get("spark.sql.sources.binaryFile.maxLength",
                String.valueOf(Integer.MAX_VALUE)));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int tasks = tasks(listed.size(), picturesPerTask, jsc.defaultParallelism());
        LongAccumulator pictures = spark.sparkContext().longAccumulator("pictures");
        LongAccumulator errors = spark.sparkContext().longAccumulator("errors");
        Broadcast<SerializableWritable<Configuration>> hadoop =
                jsc.broadcast(new SerializableWritable<>(spark.sparkContext().hadoopConfiguration()));
        // One share of the listing a task, each its partition's one element.
        Dataset<Row> rows = spark.createDataFrame(jsc.parallelize(listed.slices(tasks), tasks).mapPartitions(
                new ClassifyPartition(model, batchSize, topK, maxBytes, pictures, errors, hadoop)),
                ClassifyPartition.schema(topK));
        if (topK > 0 && writeFormat.equals("csv")) { // CSV has no arrays: the same structs as JSON text
            rows = rows.withColumn("top", to_json(col("top")));
        }

        long started = System.nanoTime();
        DataFrameWriter<Row> writer = rows.write().mode(SaveMode.ErrorIfExists).format(writeFormat);
        if (writeFormat.equals("csv")) {
            writer = writer.option("header", "true");
        } else if (writeFormat.equals("json")) {
            writer = writer.option("ignoreNullFields", "false");
        }
        try {
            writer.save(staged.staging());
            staged.commit();
        } catch (RuntimeException | IOException e) {
            staged.abandon();
            err.println(PROG + ": error: the job failed, " + output + " left as it was: " + oneLine(e));
            return 1;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        err.printf(Locale.ROOT, "%s: %d pictures (%d errors) written to %s (%s) in %.2f s, %.1f pictures/s; "
                        + "Spark start-up %.2f s (master %s)%n", PROG, pictures.value(), errors.value(), output,
                writeFormat, seconds, pictures.value() / seconds, startup, spark.sparkContext().master());
        return 0;
    }

    /**
     * How many tasks for n pictures: at most perTask pictures each, and a multiple of the
     * parallelism, so that no core idles through the last round; never more than n, at least 1.
     */
    static int tasks(int n, int perTask, int parallelism) {
        long needed = (n + (long) perTask - 1) / perTask;
        long rounded = (needed + parallelism - 1) / parallelism * parallelism;
        return (int) Math.max(1, Math.min(n, rounded));
    }

    /** The default --glob: the picture extensions, any case ("*.{[bB][mM][pP],...}"). */
    static String picturesGlob() {
        StringBuilder glob = new StringBuilder("*.{");
        for (String extension : PictureArguments.EXTENSIONS) {
            glob.append(glob.length() > 3 ? "," : "");
            for (char c : extension.toCharArray()) {
                glob.append('[').append(c).append(Character.toUpperCase(c)).append(']');
            }
        }
        return glob.append('}').toString();
    }

    private static int usage(PrintWriter err, String message) {
        err.println(PROG + ": error: " + message);
        err.println("Try '" + PROG + " --help' for more information.");
        return 2;
    }

    /**
     * One line for a failure: the innermost cause that is ours (an executor's
     * ArtifactException), else the exception's own first line.
     */
    static String oneLine(Throwable e) {
        Throwable shown = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ArtifactException) {
                shown = t;
            }
        }
        String message = shown.getMessage() == null ? shown.toString() : shown.getMessage();
        int newline = message.indexOf('\n');
        String line = (newline < 0 ? message : message.substring(0, newline)).strip();
        // Spark's wrappers often end in ':' and put the reason in their cause.
        return line.endsWith(":") && shown.getCause() != null ? line + " " + oneLine(shown.getCause()) : line;
    }

    /** --format's values: the manifest's artifact names. */

    /** --version: this job's version and the Spark it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String ours = ClassifyPictures.class.getPackage().getImplementationVersion();
            return new String[] {PROG + " " + (ours == null ? "(development build)" : ours)
                    + " on Apache Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()};
        }
    }
}
