package dev.cipherline.relay.internal.config;

import java.util.ArrayList;
import java.util.List;

/** The texts made from the option table: {@code --help} and {@code --print-config}. */
public final class ConfigText {
    private ConfigText() {}

    /** The options part of {@code --help}: one entry per option, with its default. */
    public static String options() {
        StringBuilder b = new StringBuilder();
        for (Option<?> option : RelayOptions.ALL) {
            String head =
                    "  "
                            + option.flag()
                            + (option.type().standsAlone() ? "" : " " + option.type().metavar());
            String help =
                    option.help() + defaultText(option) + (option.reloadable() ? " [SIGHUP]" : "");
            b.append(head);
            List<String> lines = wrap(help, 52);
            if (head.length() < 25) {
                b.append(" ".repeat(25 - head.length())).append(lines.get(0)).append('\n');
                lines = lines.subList(1, lines.size());
            } else {
                b.append('\n');
            }
            for (String line : lines) {
                b.append(" ".repeat(25)).append(line).append('\n');
            }
        }
        return b.toString();
    }

    private static <T> String defaultText(Option<T> option) {
        T d = option.defaultValue();
        return d == null ? "" : " (default " + option.show(d) + ")";
    }

    /**
     * The effective configuration as a TOML config file, secrets masked, each line saying where its
     * value came from; an option that is not set is a comment. Read back with {@code --config}, it
     * gives the same configuration (but for masked secrets).
     */
    public static String print(Settings settings) {
        StringBuilder b = new StringBuilder();
        b.append("# cipherline-relay: the effective configuration")
                .append(" (flag > environment variable > config file > default)\n");
        if (settings.file() != null) {
            b.append("# config file: ").append(settings.file()).append('\n');
        }
        for (Option<?> option : RelayOptions.ALL) {
            b.append(line(option, settings)).append('\n');
        }
        return b.toString();
    }

    private static <T> String line(Option<T> option, Settings settings) {
        T value = settings.get(option);
        Settings.Source source = settings.source(option);
        String from =
                switch (source) {
                    case FLAG -> "flag " + option.flag();
                    case ENVIRONMENT -> "environment " + option.env();
                    case FILE -> "config file";
                    case DEFAULT -> "default";
                };
        if (value == null) {
            return "# " + option.key() + " is not set";
        }
        String text = option.key() + " = " + option.type().toToml(value, option.secret());
        return text + " ".repeat(Math.max(1, 40 - text.length())) + "# " + from;
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
