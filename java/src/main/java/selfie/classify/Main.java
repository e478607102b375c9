package selfie.classify;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The selfie-classify command: classify picture files with an artifacts folder.
 * Prints {@code path<TAB>label<TAB>probability} (six decimals) a picture, as
 * python -m python.predict does, or JSON lines with --json. Exit status: 0 all
 * classified, 1 some picture unreadable (the rest still classified), 2 bad usage or
 * a missing/altered artifact.
 */
public final class Main {
    static final String PROG = "selfie-classify";
    static final String USAGE = "usage: " + PROG
            + " [--artifacts DIR] [--format savedmodel|onnx|onnx_int8] [--json] PICTURE...";
    static final String HELP = USAGE + "\n\n"
            + "Classify pictures with artifacts written by python -m python.export.\n"
            + "Output: path<TAB>label<TAB>probability of the positive class (six decimals),\n"
            + "one line a picture, in the order given.\n\n"
            + "options:\n"
            + "  --artifacts DIR  folder written by python -m python.export (default: artifacts)\n"
            + "  --format F       artifact to run: savedmodel, onnx or onnx_int8 (default: onnx)\n"
            + "  --json           one JSON object a line: {\"path\", \"label\", \"probability\"}\n"
            + "  -h, --help       show this help and exit\n\n"
            + "exit status: 0 all classified; 1 some picture could not be read (named on\n"
            + "stderr, the others classified); 2 bad usage or missing/altered artifacts.\n";

    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = run(args, out, err);
        out.flush();
        System.exit(status);
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Path artifacts = Paths.get("artifacts");
        ArtifactFormat format = ArtifactFormat.ONNX;
        boolean json = false;
        List<String> pictures = new ArrayList<>();
        boolean optionsDone = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (optionsDone || !a.startsWith("-") || a.equals("-")) {
                pictures.add(a);
                continue;
            }
            String value = null;
            int eq = a.indexOf('=');
            String name = a;
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "--":
                    optionsDone = true;
                    break;
                case "-h":
                case "--help":
                    out.print(HELP);
                    return 0;
                case "--json":
                    json = true;
                    break;
                case "--artifacts":
                case "--format":
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            return usage(err, name + " needs a value");
                        }
                        value = args[++i];
                    }
                    if (name.equals("--artifacts")) {
                        artifacts = Paths.get(value);
                    } else {
                        try {
                            format = ArtifactFormat.of(value);
                        } catch (IllegalArgumentException e) {
                            return usage(err, "argument --format: " + e.getMessage());
                        }
                    }
                    break;
                default:
                    return usage(err, "unrecognized argument " + a);
            }
        }
        if (pictures.isEmpty()) {
            return usage(err, "the following arguments are required: PICTURE");
        }
        try (Classifier classifier = Classifier.open(artifacts, format)) {
            return classify(classifier, pictures, json, out, err);
        } catch (ArtifactException e) {
            err.println(PROG + ": error: " + e.getMessage());
            return 2;
        }
    }

    private static int classify(Classifier classifier, List<String> pictures, boolean json,
                                PrintStream out, PrintStream err) {
        int failed = 0;
        Preprocessor pre = classifier.preprocessor();
        for (int start = 0; start < pictures.size(); start += Classifier.BATCH) {
            List<String> names = new ArrayList<>();
            List<float[]> inputs = new ArrayList<>();
            for (String picture : pictures.subList(start, Math.min(pictures.size(), start + Classifier.BATCH))) {
                try {
                    inputs.add(pre.load(Paths.get(picture)));
                    names.add(picture);
                } catch (PictureException e) {
                    err.println(PROG + ": error: " + e.getMessage());
                    failed++;
                } catch (java.nio.file.InvalidPathException e) {
                    err.println(PROG + ": error: " + picture + ": not a valid path");
                    failed++;
                }
            }
            if (!inputs.isEmpty()) {
                for (Classification c : classifier.classifyInputs(names, inputs)) {
                    out.println(json ? c.toJson() : c.toLine());
                }
            }
        }
        return failed > 0 ? 1 : 0;
    }

    private static int usage(PrintStream err, String message) {
        err.println(USAGE);
        err.println(PROG + ": error: " + message);
        return 2;
    }
}
