package dev.cipherline.relay.internal.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Formats each log record as one JSON object on one line, for log shippers: {@code time} (ISO-8601
 * UTC with milliseconds), {@code level} ({@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG},
 * {@code TRACE}), {@code logger} (the class that logged), {@code component} (its simple name),
 * {@code thread}, {@code message}; then the record's structured fields when it has them (a record
 * whose one parameter is a {@code Map} of names to values, see {@link Fields}); then {@code error}
 * and {@code stack} when it carries an exception. Field names are stable.
 */
public final class JsonLogFormatter extends Formatter {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String format(LogRecord record) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", TIME.format(Instant.ofEpochMilli(record.getMillis())));
            g.writeStringField("level", level(record.getLevel()));
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            g.writeStringField("logger", logger);
            g.writeStringField("component", logger.substring(logger.lastIndexOf('.') + 1));
            g.writeStringField("thread", Thread.currentThread().getName());
            g.writeStringField("message", formatMessage(record));
            Map<?, ?> fields = Fields.of(record);
            if (fields != null) {
                for (Map.Entry<?, ?> e : fields.entrySet()) {
                    String name = String.valueOf(e.getKey());
                    if (isReserved(name)) {
                        name = "field." + name;
                    }
                    Object value = e.getValue();
                    if (value instanceof Long || value instanceof Integer) {
                        g.writeNumberField(name, ((Number) value).longValue());
                    } else if (value instanceof Boolean b) {
                        g.writeBooleanField(name, b);
                    } else {
                        g.writeStringField(name, String.valueOf(value));
                    }
                }
            }
            Throwable thrown = record.getThrown();
            if (thrown != null) {
                g.writeStringField("error", String.valueOf(thrown));
                StringWriter stack = new StringWriter();
                thrown.printStackTrace(new PrintWriter(stack));
                g.writeStringField("stack", stack.toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.append(System.lineSeparator()).toString();
    }

    @Override
    public String formatMessage(LogRecord record) {
        // a record whose parameters are its fields has no placeholders to fill
        return Fields.of(record) != null ? record.getMessage() : super.formatMessage(record);
    }

    private static boolean isReserved(String name) {
        return switch (name) {
            case "time", "level", "logger", "component", "thread", "message", "error", "stack" ->
                    true;
            default -> false;
        };
    }

    /** The level as log shippers name it (System.Logger's names, JUL's in between). */
    static String level(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (v >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (v >= Level.INFO.intValue()) {
            return "INFO";
        } else if (v >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }
}
