package dev.cipherline.cli.internal.chat;

import dev.cipherline.sdk.MessageState;

/** The marks a chat app puts after a message you sent, one per {@link MessageState}. */
final class Ticks {
    private Ticks() {}

    /**
     * Returns the mark for {@code state}: {@code …} pending, {@code ✓} sent (the relay has it),
     * {@code ✗ expired} (it expired at the relay before the recipient fetched it), {@code ✓✓}
     * delivered (a device of the recipient has it), {@code ✓✓ read}, or {@code ✗ failed}.
     */
    static String of(MessageState state) {
        return switch (state) {
            case PENDING -> "…";
            case SENT -> "✓";
            case EXPIRED -> "✗ expired";
            case DELIVERED -> "✓✓";
            case READ -> "✓✓ read";
            case FAILED -> "✗ failed";
        };
    }

    /** Returns the later of two states of one message; states only move forward. */
    static MessageState later(MessageState stored, MessageState reported) {
        return reported.ordinal() > stored.ordinal() ? reported : stored;
    }
}
