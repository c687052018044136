package dev.cipherline.relay.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LogRecord record(Level level, String message, Object... params) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("dev.cipherline.relay.RelayServer");
        record.setMillis(1_700_000_000_123L);
        if (params.length > 0) {
            record.setParameters(params);
        }
        return record;
    }

    @Test
    void aRecordIsOneJsonObjectOnOneLineWithTheStableFields() throws Exception {
        String line =
                new JsonLogFormatter()
                        .format(record(Level.INFO, "two\nlines and \"quotes\" and \u0001"));

        assertTrue(line.endsWith(System.lineSeparator()));
        assertEquals(1, line.strip().lines().count(), line);
        JsonNode json = JSON.readTree(line);
        assertEquals("2023-11-14T22:13:20.123Z", json.get("time").asText());
        assertEquals("INFO", json.get("level").asText());
        assertEquals("dev.cipherline.relay.RelayServer", json.get("logger").asText());
        assertEquals("RelayServer", json.get("component").asText());
        assertEquals("two\nlines and \"quotes\" and \u0001", json.get("message").asText());
        assertFalse(json.get("thread").asText().isEmpty());
    }

    @Test
    void structuredFieldsBecomeFieldsOfTheObjectAndTheTextFormatIgnoresThem() throws Exception {
        LogRecord record =
                record(
                        Level.INFO,
                        "swept 3 expired entries",
                        Fields.of("event", "swept", "entries", 3L, "ok", true, "message", "x"));
        JsonNode json = JSON.readTree(new JsonLogFormatter().format(record));

        assertEquals("swept", json.get("event").asText());
        assertEquals(3, json.get("entries").asLong());
        assertTrue(json.get("entries").isNumber());
        assertTrue(json.get("ok").asBoolean());
        assertEquals("swept 3 expired entries", json.get("message").asText());
        assertEquals("x", json.get("field.message").asText(), "a field cannot hide the message");
        assertEquals("swept 3 expired entries", new SimpleFormatter().formatMessage(record));
    }

    @Test
    void levelsAreNamedAsLogShippersExpectAndExceptionsCarryTheirStack() throws Exception {
        LogRecord record = record(Level.WARNING, "store failed");
        record.setThrown(new IllegalStateException("disk full"));
        JsonNode json = JSON.readTree(new JsonLogFormatter().format(record));

        assertEquals("WARN", json.get("level").asText());
        assertEquals("java.lang.IllegalStateException: disk full", json.get("error").asText());
        assertTrue(json.get("stack").asText().contains("JsonLogFormatterTest"));
        assertEquals("ERROR", JsonLogFormatter.level(Level.SEVERE));
        assertEquals("DEBUG", JsonLogFormatter.level(Level.FINE));
        assertEquals("TRACE", JsonLogFormatter.level(Level.FINEST));
    }

    @Test
    void aSystemLoggerCallWithFieldsReachesTheFormatter() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamHandler handler = new StreamHandler(out, new JsonLogFormatter());
        Logger jul = Logger.getLogger("dev.cipherline.relay.test.Fields");
        jul.addHandler(handler);
        jul.setUseParentHandlers(false);
        try {
            System.getLogger("dev.cipherline.relay.test.Fields")
                    .log(System.Logger.Level.INFO, "started", Fields.of("window", 256));
            handler.flush();
        } finally {
            jul.removeHandler(handler);
        }
        JsonNode json = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals("started", json.get("message").asText());
        assertEquals(256, json.get("window").asInt());
    }
}
