package dev.cipherline.relay.internal.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One setting of the relay, declared once: its name gives the flag ({@code --name}), the key in the
 * config file ({@code name = ...}) and the environment variable ({@code CIPHERLINE_RELAY_NAME},
 * dashes as underscores); its type reads and checks the value in all three places.
 *
 * @param name the flag without its dashes, e.g. {@code max-connections}
 * @param type how the value is read, checked and written
 * @param defaultValue the value when nothing sets it, or null for "not set"
 * @param reloadable whether SIGHUP can change it in a running relay; if not, a change in the file
 *     is logged as needing a restart and the running value is kept
 * @param secret whether the value is masked in {@code --print-config} and in the logs
 * @param help one line for {@code --help}
 * @param <T> the Java type of the value
 */
public record Option<T>(
        String name,
        ValueType<T> type,
        T defaultValue,
        boolean reloadable,
        boolean secret,
        String help) {

    /** The prefix of every environment variable of the relay. */
    public static final String ENV_PREFIX = "CIPHERLINE_RELAY_";

    /** Checks the name. */
    public Option {
        Objects.requireNonNull(type);
        Objects.requireNonNull(help);
        if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("an option name is lower-case words and dashes");
        }
    }

    /** An option that needs a restart to change. */
    public static <T> Option<T> fixed(String name, ValueType<T> type, T defaultValue, String help) {
        return new Option<>(name, type, defaultValue, false, false, help);
    }

    /** An option that SIGHUP can change while the relay runs. */
    public static <T> Option<T> reloadable(
            String name, ValueType<T> type, T defaultValue, String help) {
        return new Option<>(name, type, defaultValue, true, false, help);
    }

    /** This option, masked in {@code --print-config} and in the logs. */
    public Option<T> asSecret() {
        return new Option<>(name, type, defaultValue, reloadable, true, help);
    }

    /** {@code --name}. */
    public String flag() {
        return "--" + name;
    }

    /** {@code CIPHERLINE_RELAY_NAME}. */
    public String env() {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The key in the config file: the name. */
    public String key() {
        return name;
    }

    /** The value as text for logs: masked when secret, {@code (not set)} when null. */
    public String show(T value) {
        if (value == null) {
            return "(not set)";
        }
        return secret ? type.masked(value) : type.format(value);
    }

    /** {@link #show} for a value known only as an object of this option. */
    @SuppressWarnings("unchecked")
    String showAny(Object value) {
        return show((T) value);
    }
}
