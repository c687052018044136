package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.internal.content.SyncContent;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.Tx;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Seals what this device sends: the inner payload (bound header + content) of every message,
 * receipt, group change and typing indicator, and the outbox rows of control messages. The only
 * place that knows how an outgoing header is filled in and how a group is addressed.
 */
public final class Sealer {
    /** How long a message may wait at the relay for an offline recipient. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofDays(30);

    /**
     * The relay expiry of a message sent at {@code now} in a conversation whose
     * disappearing-message timer is {@code timerSeconds} (0: off): the default, or the timer if
     * that is shorter.
     */
    public static long expiresAt(long now, long timerSeconds) {
        long expiry = DEFAULT_EXPIRY.toMillis();
        return now + (timerSeconds > 0 ? Math.min(expiry, timerSeconds * 1000) : expiry);
    }

    private final String ownAccount;
    private final int ownDevice;
    private final LongSupplier ownListVersion;

    /**
     * Seals what device {@code ownDevice} of {@code ownAccount} sends, in the version-1 payload (no
     * device list version).
     */
    public Sealer(String ownAccount, int ownDevice) {
        this(ownAccount, ownDevice, () -> 0);
    }

    /**
     * Seals what device {@code ownDevice} of {@code ownAccount} sends, with the version of the
     * account's signed device list that {@code ownListVersion} gives at the time (a version-2
     * payload, when the account has a list), so that receivers learn of a list newer than one the
     * relay may hand them.
     */
    public Sealer(String ownAccount, int ownDevice, LongSupplier ownListVersion) {
        this.ownAccount = ownAccount;
        this.ownDevice = ownDevice;
        this.ownListVersion = ownListVersion;
    }

    /**
     * Seals {@code content} with its bound header, addressed to {@code peer} (an account, or a
     * group's marker) on any of its devices.
     */
    public byte[] seal(
            int kind, String peer, MessageId id, long now, long expiresAt, byte[] content) {
        SealedPayload.Header header =
                new SealedPayload.Header(
                        kind,
                        ownAccount,
                        ownDevice,
                        peer,
                        SealedPayload.ANY_DEVICE,
                        id.value(),
                        now,
                        expiresAt);
        long listVersion = ownListVersion.getAsLong();
        return listVersion > 0
                ? SealedPayload.seal(header, listVersion, content)
                : SealedPayload.seal(header, content);
    }

    /**
     * The sealed payload this account's other devices get for {@code sealed}, a message this device
     * sends to another account: the same kind, client message ID and times, addressed to this
     * account, with a sent transcript of the original body naming its recipient.
     *
     * @throws IllegalStateException if {@code sealed} is not a sealed payload (it was sealed here)
     */
    public byte[] transcript(byte[] sealed) {
        SealedPayload.Opened original;
        try {
            original = SealedPayload.open(sealed);
        } catch (CryptoException e) {
            throw new IllegalStateException("an outbox entry does not hold a sealed payload", e);
        }
        SealedPayload.Header h = original.header();
        return SealedPayload.seal(
                new SealedPayload.Header(
                        h.kind(),
                        ownAccount,
                        ownDevice,
                        ownAccount,
                        SealedPayload.ANY_DEVICE,
                        h.clientMsgId(),
                        h.sentAt(),
                        h.expiresAt()),
                SyncContent.encodeTranscript(h.recipient(), original.body()));
    }

    /**
     * Queues a control message (a receipt, a group change, a sender key) to {@code peer} in the
     * caller's transaction: a new message ID, the default expiry, sealed with its bound header, due
     * now, with no history row.
     */
    public void queueControl(Tx c, OutboxStore outbox, String peer, byte[] content, long now) {
        MessageId id = MessageId.random();
        long expiresAt = now + DEFAULT_EXPIRY.toMillis();
        byte[] sealed = seal(SealedPayload.KIND_MESSAGE, peer, id, now, expiresAt, content);
        outbox.insert(c, 0, peer, id.value(), expiresAt, sealed, now);
    }

    /** The outbox recipient and sealed recipient of a group's messages. */
    public static String groupMarker(String groupId) {
        return SealedPayload.groupRecipient(groupId);
    }

    /** Whether an outbox recipient is a group's marker rather than an account. */
    public static boolean isGroupMarker(String recipient) {
        return recipient.startsWith(SealedPayload.GROUP_RECIPIENT_PREFIX);
    }

    /** The group ID of a group's marker. */
    public static String groupIdOf(String marker) {
        return marker.substring(SealedPayload.GROUP_RECIPIENT_PREFIX.length());
    }
}
