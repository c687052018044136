package dev.cipherline.sdk;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The client message ID of a message: 16 random bytes chosen by the sender, written as 22
 * characters of unpadded base64url. The relay and the receiving SDK use it to drop duplicates.
 *
 * @param value the ID as it travels on the wire
 */
public record MessageId(String value) {
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Checks that {@code value} has the wire form of a client message ID.
     *
     * @throws IllegalArgumentException if it is not 1..64 characters of A-Z a-z 0-9 _ -
     */
    public MessageId {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "not a message ID: expected 1-64 characters of A-Z a-z 0-9 _ -");
        }
    }

    /** A new random message ID. */
    public static MessageId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new MessageId(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The wire form. */
    @Override
    public String toString() {
        return value;
    }
}
