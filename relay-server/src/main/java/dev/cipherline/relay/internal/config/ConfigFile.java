package dev.cipherline.relay.internal.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the relay's config file: TOML, one top-level key per {@link Option}, named as the flag
 * without its dashes. Strict: an unknown key, a value of the wrong TOML type or a value outside
 * what the option allows is refused with one sentence naming the file, the line and the key.
 *
 * <p>Jackson's TOML module builds a tree without positions, so the line of a key is found in the
 * text: the line where it is assigned ({@code key =}, also quoted or dotted) or opens a table.
 */
final class ConfigFile {
    private static final TomlMapper TOML = new TomlMapper();

    private ConfigFile() {}

    /**
     * The values the file sets.
     *
     * @throws ConfigException if the file cannot be read or holds anything not allowed
     */
    static Map<Option<?>, Object> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("The config file " + file + " does not exist.");
        } catch (MalformedInputException e) {
            throw new ConfigException("The config file " + file + " is not UTF-8 text.");
        } catch (IOException e) {
            throw new ConfigException(
                    "The config file " + file + " cannot be read (" + e.getMessage() + ").");
        }
        return parse(file.toString(), text);
    }

    /** The values {@code text} sets; {@code name} names it in errors. */
    static Map<Option<?>, Object> parse(String name, String text) {
        JsonNode root;
        try {
            root = TOML.readTree(text);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : ", line " + at.getLineNr();
            throw new ConfigException(
                    name
                            + where
                            + ": this is not valid TOML ("
                            + oneLine(e.getOriginalMessage())
                            + ").");
        }
        Map<String, Option<?>> byKey = new LinkedHashMap<>();
        for (Option<?> option : RelayOptions.ALL) {
            byKey.put(option.key(), option);
        }
        Map<Option<?>, Object> values = new LinkedHashMap<>();
        if (root == null) {
            return values; // an empty file
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            Option<?> option = byKey.get(key);
            String where = name + ", line " + line(text, key) + ": ";
            if (option == null) {
                throw new ConfigException(
                        where
                                + "unknown key '"
                                + key
                                + "'"
                                + suggestion(key, byKey.keySet())
                                + " (the keys are the relay's flags without their dashes; see"
                                + " --help).");
            }
            values.put(option, value(option, field.getValue(), where));
        }
        return values;
    }

    private static Object value(Option<?> option, JsonNode node, String where) {
        ValueType<?> type = option.type();
        try {
            return type.fromToml(node);
        } catch (ValueType.WrongTypeException e) {
            String expected =
                    type.toml() == ValueType.Toml.BOOLEAN
                                    || type.allowed().startsWith(type.toml().noun())
                            ? type.toml().noun()
                            : type.toml().noun() + " (" + type.allowed() + ")";
            if (type.toml() == ValueType.Toml.INTEGER) {
                expected = type.allowed();
            }
            throw new ConfigException(
                    where + option.key() + " must be " + expected + ", not " + e.found() + ".");
        } catch (IllegalArgumentException e) {
            String shown = option.secret() ? "the value given" : oneLine(node.toString());
            throw new ConfigException(
                    where + option.key() + " must be " + type.allowed() + ", not " + shown + ".");
        }
    }

    /** The 1-based line where {@code key} is set or opens a table, or 0 if not found. */
    static int line(String text, String key) {
        String k = Pattern.quote(key);
        String names = "(?:" + k + "|\"" + k + "\"|'" + k + "')";
        Pattern assigned = Pattern.compile("^\\s*" + names + "\\s*[=.]");
        Pattern table = Pattern.compile("^\\s*\\[\\[?\\s*" + names + "\\s*[\\].]");
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (assigned.matcher(lines[i]).find() || table.matcher(lines[i]).find()) {
                return i + 1;
            }
        }
        return 0;
    }

    /** " (did you mean max-connections?)" for a near miss, else "". */
    private static String suggestion(String key, Iterable<String> known) {
        String normalized = key.replace('_', '-').toLowerCase(java.util.Locale.ROOT);
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(normalized, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] =
                        Math.min(
                                Math.min(current[j - 1] + 1, previous[j] + 1),
                                previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
