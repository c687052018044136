package dev.cipherline.relay.internal.config;

/**
 * A configuration the relay refuses: a bad flag, environment variable or config file. Its message
 * is one sentence for the operator, naming the flag, variable or key (with the file's line).
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** A refusal explained by {@code message}, one sentence ending with a period. */
    public ConfigException(String message) {
        super(message);
    }
}
