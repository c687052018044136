package dev.cipherline.relay;

import java.util.Locale;

/** Who may register a device with the relay ({@code --registration}). */
public enum RegistrationPolicy {
    /** Anyone (the default). */
    OPEN,
    /** Only a registration carrying a valid invite token from the operator. */
    INVITE,
    /** Nobody: every registration is refused with {@code registration-closed}. */
    CLOSED;

    /** Parses {@code open}, {@code invite} or {@code closed}. */
    static RegistrationPolicy parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "open" -> OPEN;
            case "invite" -> INVITE;
            case "closed" -> CLOSED;
            default ->
                    throw new IllegalArgumentException(
                            "--registration must be open, invite or closed, not '" + value + "'.");
        };
    }

    /** The lower-case word used in flags, logs and the admin API. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
