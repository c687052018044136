package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;

import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.Note;

/**
 * Writes {@link Note}s into a 1:1 or group history: rows of the messages table with direction
 * {@value #NOTE}, a client message ID of their own ({@code note-} and 22 random characters, so
 * never one a peer chose), the note's text sealed like a message's, and the note's kind, subject
 * and count in columns of their own. A note is stored as read ({@code DELIVERED}, handed to the
 * app) and never counts as unread; {@link HistoryStore} lists it among the messages.
 */
public final class NoteStore {
    /** The direction column's value of a note. */
    static final int NOTE = 2;

    private NoteStore() {}

    /**
     * Writes {@code note} into the history of the conversation with the account {@code key} (or of
     * the group whose ID is {@code key} when {@code group}), at {@code at} (epoch ms), inside the
     * caller's transaction; the app is told by the caller once it committed.
     *
     * @return the note's ID in the history
     */
    public static MessageId add(Tx tx, String key, boolean group, Note note, long at) {
        MessageId id = new MessageId("note-" + MessageId.random().value());
        String peer = group ? note.about().value() : key;
        tx.run(
                c -> {
                    execute(
                            c,
                            "INSERT INTO messages (peer, direction, sender_device, client_msg_id,"
                                    + " text, sent_at, received_at, state, delivered_to_app,"
                                    + " group_id, note_kind, note_about, note_count) VALUES (?, ?,"
                                    + " 0, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
                            peer,
                            NOTE,
                            id.value(),
                            tx.keys()
                                    .sealText(
                                            SealedColumns.MESSAGE_TEXT,
                                            SealedColumns.messageRow(peer, id.value()),
                                            note.text()),
                            at,
                            at,
                            MessageState.DELIVERED.name(),
                            group ? key : null,
                            note.kind().name(),
                            note.about().value(),
                            note.count());
                    if (!group) {
                        ConversationStore.touch(c, peer, at, false);
                    }
                });
        return id;
    }
}
