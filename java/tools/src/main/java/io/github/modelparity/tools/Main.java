package io.github.modelparity.tools;

import io.github.modelparity.ArtifactException;
import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.Classification;
import io.github.modelparity.Classifier;
import io.github.modelparity.commandline.CommandLines;
import io.github.modelparity.commandline.FormatConverter;
import io.github.modelparity.commandline.Lines;
import io.github.modelparity.commandline.PictureArguments;
import io.github.modelparity.commandline.Version;
import io.github.modelparity.serve.ServeCommand;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The modelparity-java command: classify picture files with an artifacts folder.
 * Prints {@code path<TAB>label<TAB>probability} (six decimals) a picture, as
 * python -m python.predict does, or JSON lines with --json. Exit status: 0 all
 * classified, 1 some picture unreadable (the rest still classified), 2 bad usage or
 * a missing/altered artifact.
 */
@Command(name = Main.PROG, mixinStandardHelpOptions = true, versionProvider = Version.class,
        subcommands = ServeCommand.class,
        sortOptions = false, synopsisHeading = "usage: ",
        description = {"Classify pictures with artifacts written by python -m python.export.",
                "Output: path<TAB>label<TAB>probability (six decimals: of the positive class for",
                "a one-unit model, of the label for a softmax), then with --top K the K most",
                "probable label:probability pairs; one line a picture, in the order given.",
                "A PICTURE that is a folder stands for its pictures, recursively, sorted by path",
                "(extensions " + PictureArguments.SPELLED + ", any case; hidden names skipped);",
                "@LIST stands for the lines of the file LIST and - for those of standard input,",
                "one picture or folder a line (find DIR -name '*.jpg' | modelparity-java -)."},
        exitCodeListHeading = "%nexit status:%n",
        exitCodeList = {"0:all classified",
                "1:some picture could not be read (named on stderr, the others classified)",
                "2:bad usage, or missing or altered artifacts"})
public final class Main implements Callable<Integer> {
    static final String PROG = "modelparity-java";

    @Option(names = "--artifacts", paramLabel = "DIR", defaultValue = "artifacts",
            description = "folder written by python -m python.export (default: ${DEFAULT-VALUE})")
    private Path artifacts;

    @Option(names = "--format", paramLabel = "F", defaultValue = "onnx", converter = FormatConverter.class,
            description = "artifact to run: savedmodel, onnx or onnx_int8 (default: ${DEFAULT-VALUE})")
    private ArtifactFormat format;

    @Option(names = "--json", description = "one JSON object a line: {\"path\", \"label\", \"probability\","
            + " \"probabilities\": {label: probability, ...}} (and \"top\" with --top)")
    private boolean json;

    @Option(names = "--top", paramLabel = "K", converter = CommandLines.AtLeastOne.class,
            description = "also print the K most probable labels with their probabilities (label:probability)")
    private Integer top;

    /**
     * Kept as typed, to print each path exactly as python.predict does. Required, but checked in
     * {@link #call()}: picocli would ask for it before the serve subcommand too.
     */
    @Parameters(paramLabel = "PICTURE", arity = "0..*", description = "picture files, folders, @LIST or -")
    private List<String> pictures;

    @Spec
    private CommandSpec spec;

    /** Standard input, read when a PICTURE is -. */
    private final InputStream stdin;

    private Main(InputStream stdin) {
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = run(args, System.in, out, err);
        out.flush();
        System.exit(status);
    }

    /** Runs the command with nothing on standard input; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, InputStream.nullInputStream(), out, err);
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), false);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return commandLine(new Main(in), o, e).execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** picocli as every command line of the project has it ({@link CommandLines}). */
    static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
        return CommandLines.of(command, out, err, String::valueOf);
    }

    @Override
    public Integer call() {
        if (pictures == null || pictures.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'PICTURE'");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PictureArguments.Expanded expanded;
        try {
            expanded = PictureArguments.expand(pictures, () -> stdin);
        } catch (PictureArguments.ListException e) {
            err.println(PROG + ": error: " + e.getMessage());
            return 2;
        }
        expanded.problems().forEach(p -> err.println(PROG + ": error: " + p));
        try (Classifier classifier = Classifier.open(artifacts, format)) {
            int status = classify(expanded.pictures(), classifier, out, err);
            return expanded.problems().isEmpty() ? status : Math.max(status, 1);
        } catch (ArtifactException e) {
            err.println(PROG + ": error: " + e.getMessage());
            return 2;
        }
    }

    /** Classifies a batch at a time, printing as it goes; unreadable pictures are named on err. */
    private int classify(List<String> pictures, Classifier classifier, PrintWriter out, PrintWriter err) {
        int k = top == null ? 0 : Math.min(top, classifier.labels().size());
        int failed = 0;
        for (int start = 0; start < pictures.size(); start += Classifier.BATCH) {
            List<String> typed = new ArrayList<>(Classifier.BATCH);
            List<Path> paths = new ArrayList<>(Classifier.BATCH);
            for (String picture : pictures.subList(start, Math.min(pictures.size(), start + Classifier.BATCH))) {
                try {
                    paths.add(Path.of(picture));
                    typed.add(picture);
                } catch (InvalidPathException e) {
                    err.println(PROG + ": error: " + picture + ": not a valid path");
                    failed++;
                }
            }
            Set<String> unreadable = new HashSet<>();
            List<Classification> results = classifier.classify(paths, e -> {
                err.println(PROG + ": error: " + e.getMessage());
                unreadable.add(e.path());
            });
            failed += paths.size() - results.size();
            // Results come in order, without the unreadable pictures; one path spelled the
            // same twice reads the same twice.
            int next = 0;
            for (int i = 0; i < paths.size(); i++) {
                if (unreadable.contains(paths.get(i).toString())) {
                    continue;
                }
                Classification c = results.get(next++);
                Classification asTyped = c.withPath(typed.get(i));
                out.println(json ? Lines.json(asTyped, k) : Lines.tabSeparated(asTyped, k));
            }
            out.flush();
        }
        return failed > 0 ? 1 : 0;
    }
}
