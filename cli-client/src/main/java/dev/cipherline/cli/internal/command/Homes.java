package dev.cipherline.cli.internal.command;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where the account lives: {@code --home}, else {@code $CIPHERLINE_HOME}, else {@code
 * ~/.cipherline}.
 */
final class Homes {
    static final String ENV = "CIPHERLINE_HOME";

    private Homes() {}

    /** Returns the home directory to use; a blank {@code CIPHERLINE_HOME} counts as unset. */
    static Path resolve(Path option, Function<String, String> getenv, Path userHome) {
        if (option != null) {
            return option.toAbsolutePath();
        }
        String env = getenv.apply(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env.strip()).toAbsolutePath();
        }
        return userHome.resolve(".cipherline").toAbsolutePath();
    }
}
