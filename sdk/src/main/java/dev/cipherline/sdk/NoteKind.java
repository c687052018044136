package dev.cipherline.sdk;

/** What a {@link Note} in a conversation's history says. */
public enum NoteKind {
    /**
     * {@link Note#count()} messages from {@link Note#about()} expired at the relay before this
     * device fetched them: they are gone for this device.
     */
    MESSAGES_EXPIRED,
    /**
     * {@link Note#count()} messages from or to {@link Note#about()} are missing for good: a gap
     * that could not be repaired end to end.
     */
    MESSAGES_LOST,
    /**
     * {@link Note#about()} set the disappearing-message timer of the conversation to {@link
     * Note#count()} seconds (0: off).
     */
    TIMER_CHANGED
}
