package dev.cipherline.relay.internal.store;

import dev.cipherline.protocol.Frame;
import java.util.List;

/**
 * A {@code send} of kind message, ready to be stored.
 *
 * @param sender the authenticated device that sent it
 * @param serverTime when the relay accepted it (epoch ms)
 * @param expiresAt the expiry after the relay's cap (epoch ms)
 * @param body the shared body for recipients without their own ciphertext, or null
 * @param ticket the send's place in its connection's order, for {@link SendHolds}; null where no
 *     connection sent it (tests, tools)
 */
public record SendRequest(
        DeviceAddress sender,
        String clientMsgId,
        long serverTime,
        long expiresAt,
        byte[] body,
        List<Frame.Recipient> recipients,
        SendHolds.Ticket ticket) {
    public SendRequest {
        recipients = List.copyOf(recipients);
    }

    /** A send outside any connection's order. */
    public SendRequest(
            DeviceAddress sender,
            String clientMsgId,
            long serverTime,
            long expiresAt,
            byte[] body,
            List<Frame.Recipient> recipients) {
        this(sender, clientMsgId, serverTime, expiresAt, body, recipients, null);
    }
}
