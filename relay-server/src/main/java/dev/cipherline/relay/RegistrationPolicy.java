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

    /** The lower-case word used in flags, logs and the admin API. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
