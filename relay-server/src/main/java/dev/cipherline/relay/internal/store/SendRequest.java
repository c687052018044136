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
 */
public record SendRequest(
        DeviceAddress sender,
        String clientMsgId,
        long serverTime,
        long expiresAt,
        byte[] body,
        List<Frame.Recipient> recipients) {
    public SendRequest {
        recipients = List.copyOf(recipients);
    }
}
