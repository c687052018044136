package dev.cipherline.cli.internal.command;

import java.io.Console;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What the CLI reads from the process around it, injected so that tests run commands in-process.
 * Standard output and error travel on picocli's {@code CommandLine.getOut()/getErr()}.
 *
 * @param getenv looks up an environment variable, null when unset (production: {@code
 *     System::getenv})
 * @param userHome the user's home directory, for the default {@code ~/.cipherline}
 * @param stdin the standard input, read by {@code send --stdin}
 * @param readSecret asks the user at the terminal for a secret without echoing it: called with the
 *     prompt, returns what was typed, or null when there is no terminal (production: {@link
 *     Console#readPassword})
 */
public record CliEnvironment(
        Function<String, String> getenv,
        Path userHome,
        InputStream stdin,
        Function<String, char[]> readSecret) {
    /** An environment without a terminal to prompt on. */
    public CliEnvironment(Function<String, String> getenv, Path userHome, InputStream stdin) {
        this(getenv, userHome, stdin, prompt -> null);
    }

    /** Returns the environment of this process. */
    public static CliEnvironment system() {
        return new CliEnvironment(
                System::getenv,
                Path.of(System.getProperty("user.home")),
                System.in,
                prompt -> {
                    Console console = System.console();
                    return console == null ? null : console.readPassword("%s", prompt);
                });
    }
}
