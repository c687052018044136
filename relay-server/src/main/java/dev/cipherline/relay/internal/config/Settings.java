package dev.cipherline.relay.internal.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The value of every {@link RelayOptions option} and where it came from. Immutable.
 *
 * @param values each option's value (null where it is not set)
 * @param sources where each value came from
 * @param file the config file read, or null
 */
public record Settings(Map<Option<?>, Object> values, Map<Option<?>, Source> sources, Path file) {

    /** Where a value came from, in order of precedence (a flag wins). */
    public enum Source {
        FLAG("flag"),
        ENVIRONMENT("environment"),
        FILE("file"),
        DEFAULT("default");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        /** How {@code --print-config} names it. */
        public String label() {
            return label;
        }
    }

    /** Copies the maps (which may hold null values). */
    public Settings {
        values = new HashMap<>(values);
        sources = Map.copyOf(sources);
    }

    /** Every option at its default. */
    public static Settings defaults() {
        Map<Option<?>, Object> values = new HashMap<>();
        Map<Option<?>, Source> sources = new HashMap<>();
        for (Option<?> option : RelayOptions.ALL) {
            values.put(option, option.defaultValue());
            sources.put(option, Source.DEFAULT);
        }
        return new Settings(values, sources, null);
    }

    /** The option's value, or null when it is not set. */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        if (!sources.containsKey(option)) {
            throw new IllegalArgumentException("not an option of the relay: " + option.name());
        }
        return (T) values.get(option);
    }

    /** Where the option's value came from. */
    public Source source(Option<?> option) {
        return sources.get(option);
    }

    /** These settings with {@code option} taken from {@code other}. */
    public Settings withValueOf(Option<?> option, Settings other) {
        Map<Option<?>, Object> v = new HashMap<>(values);
        Map<Option<?>, Source> s = new HashMap<>(sources);
        v.put(option, other.values.get(option));
        s.put(option, other.sources.get(option));
        return new Settings(v, s, file);
    }

    /** Whether {@code option} has the same value here and in {@code other}. */
    public boolean sameValue(Option<?> option, Settings other) {
        return Objects.equals(values.get(option), other.values.get(option));
    }
}
