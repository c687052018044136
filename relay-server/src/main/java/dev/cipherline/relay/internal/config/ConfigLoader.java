package dev.cipherline.relay.internal.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resolves every {@link RelayOptions option} from the command line, the environment and the config
 * file, in that order of precedence, then the default: a flag beats an environment variable, which
 * beats the file.
 *
 * <p>Flags are {@code --name value} or {@code --name=value}; a true-or-false option may stand alone
 * ({@code --limit-loopback}). The file is named by {@code --config FILE} or {@code
 * CIPHERLINE_RELAY_CONFIG}. Every environment variable starting with {@code CIPHERLINE_RELAY_} must
 * name an option: a misspelt one is refused rather than silently ignored. The environment is passed
 * in, so that tests need not change the process's own.
 */
public final class ConfigLoader {
    /** The flag naming the config file. */
    public static final String CONFIG_FLAG = "--config";

    /** The environment variable naming the config file. */
    public static final String CONFIG_ENV = Option.ENV_PREFIX + "CONFIG";

    private ConfigLoader() {}

    /**
     * Every option's value from {@code args}, {@code env} and the config file they name.
     *
     * @throws ConfigException with one sentence for the operator when anything is not allowed
     */
    public static Settings load(List<String> args, Map<String, String> env) {
        Map<String, Option<?>> byFlag = new HashMap<>();
        Map<String, Option<?>> byEnv = new HashMap<>();
        for (Option<?> option : RelayOptions.ALL) {
            byFlag.put(option.flag(), option);
            byEnv.put(option.env(), option);
        }

        Map<Option<?>, String> flags = new LinkedHashMap<>();
        String configFlag = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            Option<?> option = byFlag.get(name);
            if (option == null && !name.equals(CONFIG_FLAG)) {
                throw new ConfigException("Unknown argument " + arg + " (see --help).");
            }
            if (value == null) {
                if (option != null && option.type().standsAlone()) {
                    value = "true"; // --limit-loopback alone
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new ConfigException("Option " + name + " needs a value.");
                }
            }
            if (option == null) {
                configFlag = value;
            } else {
                flags.put(option, value);
            }
        }

        Map<Option<?>, String> vars = new LinkedHashMap<>();
        String configEnv = null;
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (!e.getKey().startsWith(Option.ENV_PREFIX)) {
                continue;
            }
            if (e.getKey().equals(CONFIG_ENV)) {
                configEnv = e.getValue();
                continue;
            }
            Option<?> option = byEnv.get(e.getKey());
            if (option == null) {
                throw new ConfigException(
                        "Unknown environment variable "
                                + e.getKey()
                                + " (each CIPHERLINE_RELAY_ variable names a flag; see --help).");
            }
            vars.put(option, e.getValue());
        }

        String configName = configFlag != null ? configFlag : configEnv;
        if (configName != null && configName.isBlank()) {
            throw new ConfigException(
                    (configFlag != null ? CONFIG_FLAG : CONFIG_ENV) + " must name a file.");
        }
        Path file = configName == null ? null : Path.of(configName);
        Map<Option<?>, Object> fromFile = file == null ? Map.of() : ConfigFile.read(file);

        Map<Option<?>, Object> values = new HashMap<>();
        Map<Option<?>, Settings.Source> sources = new HashMap<>();
        for (Option<?> option : RelayOptions.ALL) {
            if (flags.containsKey(option)) {
                values.put(option, parse(option, flags.get(option), option.flag()));
                sources.put(option, Settings.Source.FLAG);
            } else if (vars.containsKey(option)) {
                values.put(option, parse(option, vars.get(option), option.env()));
                sources.put(option, Settings.Source.ENVIRONMENT);
            } else if (fromFile.containsKey(option)) {
                values.put(option, fromFile.get(option));
                sources.put(option, Settings.Source.FILE);
            } else {
                values.put(option, option.defaultValue());
                sources.put(option, Settings.Source.DEFAULT);
            }
        }
        return new Settings(values, sources, file);
    }

    private static Object parse(Option<?> option, String text, String where) {
        try {
            return option.type().parse(text);
        } catch (IllegalArgumentException e) {
            String shown = option.secret() ? "the value given" : "'" + text + "'";
            throw new ConfigException(
                    where + " must be " + option.type().allowed() + ", not " + shown + ".");
        }
    }
}
