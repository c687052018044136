package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.transport.RelayConnection;
import java.time.Clock;
import java.time.Duration;

/**
 * Sends typing indicators as ephemeral envelopes, on the inbound thread. An ephemeral envelope is
 * encrypted on the same libsignal session as messages and advances its ratchet, so the session step
 * is committed before the bytes leave, exactly as for a message: otherwise the next message would
 * reuse a message key. Best effort: nothing is stored, nothing is retried, and without a session
 * (no message exchanged yet) or a connection the indicator is dropped, since fetching bundles would
 * spend the peer's one-time prekeys on something that may never be seen.
 */
public final class TypingSender {
    private static final Log LOG = Log.get(TypingSender.class.getName());

    /** How long a typing indicator is valid; generous for clock skew between devices. */
    static final Duration EXPIRY = Duration.ofMinutes(5);

    private final Database db;
    private final Encryptor encryptor;
    private final RelayConnection connection;
    private final Sealer sealer;
    private final Clock clock;

    /** Sends through {@code connection}, encrypting with {@code encryptor} in {@code db}. */
    public TypingSender(
            Database db,
            Encryptor encryptor,
            RelayConnection connection,
            String ownAccount,
            int ownDevice,
            Clock clock) {
        this.db = db;
        this.encryptor = encryptor;
        this.connection = connection;
        this.sealer = new Sealer(ownAccount, ownDevice);
        this.clock = clock;
    }

    /** Sends one typing indicator to every device of {@code recipient} with a session. */
    public void send(String recipient, boolean typing) {
        if (connection.state() != ConnectionState.CONNECTED) {
            return;
        }
        MessageId id = MessageId.random();
        long now = clock.millis();
        long expiresAt = now + EXPIRY.toMillis();
        byte[] sealed =
                sealer.seal(
                        SealedPayload.KIND_EPHEMERAL,
                        recipient,
                        id,
                        now,
                        expiresAt,
                        Content.encodeTyping(typing));
        Frame.Send send;
        try {
            // a device whose session cannot encrypt (e.g. a changed identity key) is left out: the
            // outbox deals with that for messages
            send =
                    db.transaction(
                            c ->
                                    encryptor.pairwise(
                                            recipient,
                                            id.value(),
                                            Kind.EPHEMERAL,
                                            expiresAt,
                                            sealed,
                                            Encryptor.OnBroken.SKIP));
        } catch (ChatException e) {
            LOG.log(Log.Level.DEBUG, "cannot send a typing indicator: {0}", e);
            return;
        }
        if (send == null) {
            LOG.log(Log.Level.DEBUG, "no session for a typing indicator; dropped");
            return;
        }
        // the relay answers accepted; nothing waits for it, so a lost indicator costs nothing
        connection
                .request(send, "msg:" + id.value(), Relay.TIMEOUT)
                .whenComplete(
                        (answer, failure) -> {
                            if (failure != null || answer instanceof Frame.ErrorFrame) {
                                LOG.log(Log.Level.DEBUG, "a typing indicator was not forwarded");
                            }
                        });
    }
}
