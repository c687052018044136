package dev.cipherline.relay.internal.log;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.LogRecord;

/**
 * Structured fields for a log line: pass {@code Fields.of("name", value, ...)} as the one parameter
 * of {@code System.Logger.log(level, message, fields)}. The text format prints the message alone
 * (it has no placeholders); the JSON format adds each field to the line's object. Values are IDs,
 * counts, sizes and settings, never message content or key material.
 */
public final class Fields {
    private Fields() {}

    /**
     * The fields from alternating names and values, in order.
     *
     * @throws IllegalArgumentException if a name is missing its value
     */
    public static Map<String, Object> of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields come in name, value pairs");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(String.valueOf(namesAndValues[i]), namesAndValues[i + 1]);
        }
        return fields;
    }

    /** The fields a record carries, or null when its parameters are not one map. */
    static Map<?, ?> of(LogRecord record) {
        Object[] params = record.getParameters();
        if (params != null && params.length == 1 && params[0] instanceof Map<?, ?> map) {
            return map;
        }
        return null;
    }
}
