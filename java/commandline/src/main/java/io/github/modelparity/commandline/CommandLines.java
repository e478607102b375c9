package io.github.modelparity.commandline;

import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * picocli set up as every command line of the project wants it (the CLI, the benchmark, the
 * soak, the Spark job: this module, so that the Spark job need not depend on the tools): usage errors are two lines on stderr and exit status 2, an
 * unexpected failure is one line and exit status 1 (never a stack trace), {@code @file}
 * arguments are left to the command (never picocli's argument files: modelparity-java reads
 * them as lists of pictures, {@link PictureArguments}), and a repeated option takes its last
 * value, as Python's argparse does.
 */
public final class CommandLines {
    private CommandLines() {
    }

    /**
     * The command's picocli line.
     *
     * @param command the picocli command object
     * @param out where the command prints its results and --help
     * @param err where usage errors and failures go
     * @param describe turns an unexpected failure into the text after "PROG: error: "
     * @return the command line, ready to execute
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

    /**
     * A whole number of at least 1 (--top K), refused as python.predict's argparse refuses
     * it: "'0' is not a whole number of at least 1".
     */
    public static final class AtLeastOne implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            int k;
            try {
                k = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                k = 0;
            }
            if (k < 1) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a whole number of at least 1");
            }
            return k;
        }
    }
}
