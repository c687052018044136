package dev.cipherline.protocol;

/**
 * Size and count limits that bound every frame. A relay may be configured with smaller values; a
 * client must stay within the defaults.
 *
 * @param maxFrameBytes the largest WebSocket message, encoded, in bytes
 * @param maxEnvelopeBytes the largest single ciphertext or shared body, in bytes
 * @param maxRecipients the most recipient devices in one {@code send}
 * @param maxPreKeysPerUpload the most one-time prekeys of each kind in one upload
 */
public record Limits(
        int maxFrameBytes, int maxEnvelopeBytes, int maxRecipients, int maxPreKeysPerUpload) {

    /** The limits every client and relay of protocol version 1 accepts. */
    public static final Limits DEFAULT = new Limits(512 * 1024, 64 * 1024, 2048, 200);

    /** Checks that every limit is positive. */
    public Limits {
        if (maxFrameBytes <= 0
                || maxEnvelopeBytes <= 0
                || maxRecipients <= 0
                || maxPreKeysPerUpload <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
