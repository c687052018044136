package dev.cipherline.cli.internal.command;

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
 */
public record CliEnvironment(Function<String, String> getenv, Path userHome, InputStream stdin) {
    /** Returns the environment of this process. */
    public static CliEnvironment system() {
        return new CliEnvironment(
                System::getenv, Path.of(System.getProperty("user.home")), System.in);
    }
}
