package selfie.classify;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON reader and writers this library uses: Jackson's, configured once. ObjectReader
 * and ObjectWriter are immutable and safe to share between threads.
 */
final class JsonMappers {
    /** Python's json module writes NaN, Infinity and -Infinity: the reader accepts them. */
    static final ObjectReader READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build()
            .reader();
    /** One JSON value on one line. */
    static final ObjectWriter LINE = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN) // 8800, not 8.8E+3
            .build()
            .writer();
    /** Indented, for reports a person reads. */
    static final ObjectWriter PRETTY = LINE.withDefaultPrettyPrinter();

    private JsonMappers() {
    }
}
