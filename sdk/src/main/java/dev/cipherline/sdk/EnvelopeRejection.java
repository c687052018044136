package dev.cipherline.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * An envelope the relay delivered that this device refused, as reported to {@link
 * ChatListener#onEnvelopeRejected}. Nothing of a refused envelope is stored or shown as a message,
 * and no session state it may have touched is kept; the relay's copy is acknowledged so that its
 * queue moves on (see SECURITY.md, "A hostile relay").
 *
 * <p>Every field except {@link #reason} and {@link #at} is what the relay <em>claimed</em> in the
 * outer envelope, not something the SDK could authenticate.
 *
 * @param reason why it was refused
 * @param claimedSender the sender the relay named
 * @param claimedDevice the sender device the relay named
 * @param clientMsgId the client message ID the relay named
 * @param at this device's clock when it refused the envelope
 */
public record EnvelopeRejection(
        Reason reason, String claimedSender, int claimedDevice, String clientMsgId, Instant at) {
    /** Why an envelope was refused. */
    public enum Reason {
        /**
         * It did not decrypt: not encrypted by the claimed sender for this device (a forged or
         * re-addressed envelope, or one from a session this device no longer has).
         */
        UNDECRYPTABLE,
        /**
         * It decrypted, but its authenticated inner header disagrees with the relay's outer header
         * (sender, recipient, client message ID, kind or expiry was rewritten, or the envelope was
         * re-addressed).
         */
        HEADER_MISMATCH,
        /**
         * Its ratchet step was already used: a replay of an envelope this device already opened
         * under a different outer header, or after its stored copy was deleted. An ordinary
         * redelivery of a stored message (e.g. after a lost acknowledgement) is dropped silently
         * and not reported.
         */
        REPLAYED,
        /** It decrypted and its header matched, but its content is not in a known format. */
        MALFORMED_CONTENT,
        /**
         * A group message whose sender key belongs to no group of this account, or whose sender was
         * removed from the group.
         */
        NOT_A_MEMBER
    }

    /** Checks the values. */
    public EnvelopeRejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(claimedSender, "claimedSender");
        Objects.requireNonNull(clientMsgId, "clientMsgId");
        Objects.requireNonNull(at, "at");
    }
}
