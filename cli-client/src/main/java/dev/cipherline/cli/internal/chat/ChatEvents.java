package dev.cipherline.cli.internal.chat;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.GroupReadState;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.Note;
import dev.cipherline.sdk.StoredMessage;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * The chat's {@link ChatListener}: records each event in the {@link ChatState} and hands the rest
 * (marking read, redrawing) to the session on its UI thread, so that the SDK's event thread never
 * waits for the terminal.
 */
final class ChatEvents implements ChatListener {
    private final ChatState state;
    private final Clock clock;
    private final Consumer<IncomingMessage> arrived;
    private final Runnable redraw;
    private final Consumer<AccountId> typingChanged;

    /**
     * @param arrived runs for each incoming message (the session marks it read if it is open)
     * @param redraw asks for the screen to be drawn again
     * @param typingChanged runs when a peer starts typing (the session redraws when it expires)
     */
    ChatEvents(
            ChatState state,
            Clock clock,
            Consumer<IncomingMessage> arrived,
            Runnable redraw,
            Consumer<AccountId> typingChanged) {
        this.state = state;
        this.clock = clock;
        this.arrived = arrived;
        this.redraw = redraw;
        this.typingChanged = typingChanged;
    }

    @Override
    public void onMessage(IncomingMessage message) {
        // a message ends its sender's typing
        state.typing(message.from(), false, clock.instant());
        arrived.accept(message);
    }

    @Override
    public void onSentOnOtherDevice(StoredMessage message, GroupId group) {
        // another device of this account sent it: it is in the history the screen shows
        redraw.run();
    }

    @Override
    public void onReadOnOtherDevice(AccountId peer, GroupId group) {
        redraw.run();
    }

    @Override
    public void onMessageState(MessageId id, MessageState newState) {
        state.reported(id, newState);
        redraw.run();
    }

    @Override
    public void onNote(Note note, AccountId peer, GroupId group, MessageId id) {
        // a note is a history row (expired messages; a timer change also changes the header)
        redraw.run();
    }

    @Override
    public void onMessagesDisappeared(AccountId peer, GroupId group, List<MessageId> ids) {
        // their timers ran out: the history the screen shows no longer holds them
        redraw.run();
    }

    @Override
    public void onGroupReadState(MessageId id, GroupReadState readState) {
        redraw.run();
    }

    @Override
    public void onTyping(AccountId from, boolean typing) {
        state.typing(from, typing, clock.instant());
        typingChanged.accept(from);
    }

    @Override
    public void onConnectionState(ConnectionState connection) {
        state.connection(connection);
        redraw.run();
    }

    @Override
    public void onError(ChatException error) {
        switch (error.reason()) {
            case AUTH_FAILED ->
                    state.notices(
                            List.of(
                                    "the relay refused this device's credentials: "
                                            + sentence(error)));
            case RELAY_UNTRUSTED -> state.notices(List.of(sentence(error)));
            case REJECTED, CRYPTO_FAILURE, STORE_FAILURE ->
                    state.notices(List.of("warning: " + sentence(error)));
            default -> {
                // connection trouble: the SDK reconnects by itself and the status line shows it
                return;
            }
        }
        redraw.run();
    }

    private static String sentence(ChatException error) {
        return error.getMessage() == null ? error.reason().name() : error.getMessage();
    }
}
