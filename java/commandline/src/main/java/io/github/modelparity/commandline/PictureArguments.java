package io.github.modelparity.commandline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The pictures a command line names, as users of find and xargs expect, and as python -m
 * python.predict reads them (python/predict/inputs.py): a file is itself, as typed; a folder
 * is its pictures, recursively, sorted by path; {@code @LIST} is the lines of the file LIST
 * and {@code -} the lines of standard input, one picture or folder a line. Written by hand
 * (picocli's {@code @file} expansion splits lines at spaces and reads quotes): a line here is
 * a path, whatever characters it holds.
 */
public final class PictureArguments {
    /**
     * The file name extensions a folder's pictures have (any case), as the commands' help
     * spells them: the formats that both the library and python.predict read.
     */
    public static final String SPELLED = "bmp, gif, jpeg, jpg, png, tif, tiff, webp";
    /** {@link #SPELLED}, one extension an element, lower case. */
    public static final List<String> EXTENSIONS = List.of(SPELLED.split(", "));

    /**
     * What the arguments name.
     *
     * @param pictures the picture paths, in order: each as typed, or a folder's path joined
     *     with '/' to the picture's path inside it
     * @param problems one line for each folder that could not be walked or held no picture
     */
    public record Expanded(List<String> pictures, List<String> problems) {
        /** Copies the lists. */
        public Expanded {
            pictures = List.copyOf(pictures);
            problems = List.copyOf(problems);
        }
    }

    /** A list file (or standard input) that cannot be read: a usage error. */
    public static final class ListException extends Exception {
        private static final long serialVersionUID = 1L;

        ListException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private PictureArguments() {
    }

    /**
     * Whether a file of this name is taken from a folder: a picture extension, not hidden.
     *
     * @param name a file name, without folders
     * @return true for {@code a.JPG}, false for {@code .a.jpg} or {@code notes.txt}
     */
    public static boolean isPictureName(String name) {
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0
                && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Expands the command line's picture arguments.
     *
     * @param arguments as typed
     * @param stdin standard input, read when an argument is {@code -}
     * @return the pictures, and what could not be walked
     * @throws ListException when a list file, or standard input, cannot be read
     */
    public static Expanded expand(List<String> arguments, Supplier<InputStream> stdin) throws ListException {
        List<String> pictures = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String argument : arguments) {
            if (argument.equals("-")) {
                for (String line : lines(stdin.get(), "standard input")) {
                    add(line, pictures, problems);
                }
            } else if (argument.startsWith("@") && argument.length() > 1) {
                String list = argument.substring(1);
                try {
                    for (String line : lines(Files.newInputStream(Path.of(list)), list)) {
                        add(line, pictures, problems);
                    }
                } catch (IOException | InvalidPathException e) {
                    throw new ListException(list + ": cannot read the list of pictures ("
                            + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()) + ")", e);
                }
            } else {
                add(argument, pictures, problems);
            }
        }
        return new Expanded(pictures, problems);
    }

    /** A picture as typed, or a folder's pictures. */
    private static void add(String typed, List<String> pictures, List<String> problems) {
        Path path;
        try {
            path = Path.of(typed);
        } catch (InvalidPathException e) {
            pictures.add(typed); // named as unreadable by the command, as any missing file is
            return;
        }
        if (!Files.isDirectory(path)) {
            pictures.add(typed);
            return;
        }
        List<String> found = new ArrayList<>();
        try {
            walk(path, found, problems);
        } catch (IOException | UncheckedIOException e) {
            problems.add(typed + ": cannot read this folder (" + e.getMessage() + ")");
            return;
        }
        if (found.isEmpty()) {
            problems.add(typed + ": no pictures in this folder (" + String.join(", ", EXTENSIONS) + ")");
        }
        String prefix = typed.endsWith("/") ? typed : typed + "/";
        Collections.sort(found);
        for (String relative : found) {
            pictures.add(prefix + relative);
        }
    }

    /** The folder's pictures, as paths relative to it with '/'; links followed, hidden names skipped. */
    private static void walk(Path root, List<String> found, List<String> problems) throws IOException {
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.equals(root) || !dir.getFileName().toString().startsWith(".")
                        ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && isPictureName(file.getFileName().toString())) {
                    StringBuilder relative = new StringBuilder();
                    for (Path part : root.relativize(file)) {
                        relative.append(relative.length() == 0 ? "" : "/").append(part);
                    }
                    found.add(relative.toString());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (!(e instanceof FileSystemLoopException)) { // a link back up: walked once already
                    problems.add(file + ": cannot read (" + e.getMessage() + ")");
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The lines of a list, without their line ends; empty lines skipped. */
    private static List<String> lines(InputStream in, String name) throws ListException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ListException(name + ": cannot read the list of pictures (" + e.getMessage() + ")", e);
        }
        return lines;
    }
}
