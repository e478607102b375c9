package io.github.modelparity.commandline;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON writers the commands print with: Jackson's, configured once. An ObjectWriter is
 * immutable and safe to share between threads.
 */
public final class Json {
    /** One JSON value on one line. */
    public static final ObjectWriter LINE = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN) // 8800, not 8.8E+3
            .build()
            .writer();
    /** Indented, for reports a person reads. */
    public static final ObjectWriter PRETTY = LINE.withDefaultPrettyPrinter();

    private Json() {
    }
}
