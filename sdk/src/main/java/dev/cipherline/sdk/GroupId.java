package dev.cipherline.sdk;

import dev.cipherline.sdk.internal.Compat;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The ID of a group: 16 random bytes chosen by its creator, written as 32 lowercase hex digits. It
 * never changes, whatever happens to the group's name or members.
 *
 * @param value the ID in lowercase hex
 */
public record GroupId(String value) {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Checks the form.
     *
     * @throws IllegalArgumentException if {@code value} is not 32 lowercase hex digits
     */
    public GroupId {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("a group ID is 32 lowercase hex digits");
        }
    }

    /** A new random group ID. */
    public static GroupId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new GroupId(Compat.hex(bytes));
    }

    /**
     * Parses a typed group ID, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException if it is not 32 hex digits
     */
    public static GroupId parse(String typed) {
        Objects.requireNonNull(typed, "typed");
        return new GroupId(Compat.strip(typed).toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
