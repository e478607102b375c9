package io.github.modelparity.commandline;

import io.github.modelparity.ArtifactFormat;
import io.github.modelparity.runtime.Runtimes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * --format's values: the artifact names that the runtimes on the class path run (savedmodel,
 * onnx and onnx_int8 where the SavedModel runtime is installed); any other is a usage error.
 */
public final class FormatConverter implements CommandLine.ITypeConverter<ArtifactFormat> {
    @Override
    public ArtifactFormat convert(String value) {
        ArtifactFormat format;
        try {
            format = ArtifactFormat.of(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
        Set<String> known = Runtimes.artifacts();
        if (!known.contains(format.key())) {
            throw new CommandLine.TypeConversionException(
                    "unknown format '" + value + "' (expected " + spelled(known) + ")");
        }
        return format;
    }

    /** "a, b or c": the three the toolkit exports in its own order, then any other a runtime adds. */
    private static String spelled(Set<String> names) {
        List<String> n = new ArrayList<>();
        for (ArtifactFormat f : List.of(ArtifactFormat.SAVEDMODEL, ArtifactFormat.ONNX, ArtifactFormat.ONNX_INT8)) {
            if (names.contains(f.key())) {
                n.add(f.key());
            }
        }
        for (String name : names) {
            if (!n.contains(name)) {
                n.add(name);
            }
        }
        if (n.size() < 2) {
            return String.join("", n);
        }
        return String.join(", ", n.subList(0, n.size() - 1)) + " or " + n.get(n.size() - 1);
    }
}
