package dev.cipherline.relay.internal.config;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reloads the configuration of a running relay (on SIGHUP): reads flags, environment and file
 * again, applies the reloadable options that changed, and keeps the running value of every other
 * option that changed, saying that it needs a restart. Logs one line per changed option (secrets
 * masked). A file that is now bad changes nothing: the error is logged and the relay runs on.
 */
public final class ConfigReloader {
    private static final System.Logger LOG = System.getLogger(ConfigReloader.class.getName());

    private final Supplier<Settings> source;
    private final Consumer<Settings> check;
    private final Consumer<Settings> apply;
    private Settings current;

    /**
     * A reloader starting from {@code current}.
     *
     * @param source reads the settings again (flags, environment, file)
     * @param check throws an {@link IllegalArgumentException} for settings that cannot run together
     * @param apply gives the running relay its new settings
     */
    public ConfigReloader(
            Supplier<Settings> source,
            Settings current,
            Consumer<Settings> check,
            Consumer<Settings> apply) {
        this.source = source;
        this.current = current;
        this.check = check;
        this.apply = apply;
    }

    /**
     * One option whose configured value changed.
     *
     * @param option the option
     * @param from the running value, as logged (masked when secret)
     * @param to the new value, as logged
     * @param applied whether it now runs with the new value; false when it needs a restart
     */
    public record Change(Option<?> option, String from, String to, boolean applied) {}

    /**
     * Reads the settings again and applies what can change.
     *
     * @return what changed, empty if nothing did
     * @throws ConfigException if the new settings are refused (nothing was changed)
     */
    public synchronized List<Change> reload() {
        Settings fresh;
        try {
            fresh = source.get();
            check.accept(fresh);
        } catch (IllegalArgumentException e) {
            LOG.log(
                    Level.WARNING,
                    "reload refused, the running configuration stays: " + e.getMessage());
            throw e instanceof ConfigException c ? c : new ConfigException(e.getMessage());
        }
        Settings next = current;
        List<Change> changes = new ArrayList<>();
        for (Option<?> option : RelayOptions.ALL) {
            if (current.sameValue(option, fresh)) {
                continue;
            }
            String from = option.showAny(current.get(option));
            String to = option.showAny(fresh.get(option));
            if (option.reloadable()) {
                next = next.withValueOf(option, fresh);
                changes.add(new Change(option, from, to, true));
                LOG.log(
                        Level.INFO,
                        "reload: " + option.key() + " changed from " + from + " to " + to);
            } else {
                changes.add(new Change(option, from, to, false));
                LOG.log(
                        Level.WARNING,
                        "reload: "
                                + option.key()
                                + " changed to "
                                + to
                                + " but needs a restart; still "
                                + from);
            }
        }
        if (next != current) {
            check.accept(next);
            apply.accept(next);
            current = next;
        }
        if (changes.isEmpty()) {
            LOG.log(Level.INFO, "reload: no setting changed");
        }
        return changes;
    }

    /** The settings the relay runs with now. */
    public synchronized Settings current() {
        return current;
    }
}
