package selfie.classify;

import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * picocli set up as every command line of the project wants it (the CLI, the benchmark, the
 * soak, the Spark job): usage errors are two lines on stderr and exit status 2, an
 * unexpected failure is one line and exit status 1 (never a stack trace), {@code @file}
 * arguments are picture names, not argument files, and a repeated option takes its last
 * value, as Python's argparse does.
 */
public final class CommandLines {
    private CommandLines() {
    }

    /**
     * The command's picocli line; {@code describe} turns an unexpected failure into the text
     * after "PROG: error: ".
     */
    public static CommandLine of(Object command, PrintWriter out, PrintWriter err,
            Function<Throwable, String> describe) {
        CommandLine cl = new CommandLine(command);
        String prog = cl.getCommandName();
        return cl.setOut(out).setErr(err)
                .setExpandAtFiles(false)
                .setOverwrittenOptionsAllowed(true)
                .setParameterExceptionHandler((ex, args) -> {
                    err.println(prog + ": error: " + ex.getMessage());
                    err.println("Try '" + prog + " --help' for more information.");
                    return CommandLine.ExitCode.USAGE;
                })
                .setExecutionExceptionHandler((ex, line, parsed) -> {
                    err.println(prog + ": error: " + describe.apply(ex));
                    return 1;
                });
    }
}
