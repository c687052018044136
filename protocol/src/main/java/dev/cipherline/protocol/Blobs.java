package dev.cipherline.protocol;

import static dev.cipherline.protocol.Checks.list;
import static dev.cipherline.protocol.Checks.present;
import static dev.cipherline.protocol.Checks.requireAccountId;
import static dev.cipherline.protocol.Checks.requireDeviceId;

import java.util.List;

/**
 * The blob API: encrypted files stored on the relay and fetched over HTTP (docs/PROTOCOL.md, "Blob
 * API"). The relay sees only ciphertext, its size and who may fetch it.
 */
public final class Blobs {
    /** The collection path: {@code POST} creates an upload. */
    public static final String PATH = "/v1/blobs";

    /** The request header naming the signing device's account. */
    public static final String ACCOUNT_HEADER = "X-Cipherline-Account";

    /** The request header naming the signing device. */
    public static final String DEVICE_HEADER = "X-Cipherline-Device";

    /** The request header with the signing time, Unix milliseconds. */
    public static final String TIME_HEADER = "X-Cipherline-Time";

    /** The request header with the Ed25519 signature, base64 (standard alphabet, padded). */
    public static final String SIGNATURE_HEADER = "X-Cipherline-Signature";

    /** How far a request's signing time may be from the relay's clock, either way. */
    public static final long TIME_WINDOW_MILLIS = 5 * 60 * 1000L;

    /** The most recipient devices one blob may name. */
    public static final int MAX_RECIPIENTS = 2048;

    /** A blob ID is this many characters of base64url (32 random bytes, unpadded). */
    public static final int ID_LENGTH = 43;

    private Blobs() {}

    /** Whether {@code id} has the form of a blob ID: 43 characters of A-Z a-z 0-9 - _. */
    public static boolean isId(String id) {
        if (id == null || id.length() != ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok =
                    (c >= 'A' && c <= 'Z')
                            || (c >= 'a' && c <= 'z')
                            || (c >= '0' && c <= '9')
                            || c == '-'
                            || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * One device, or every device of an account, allowed to fetch a blob.
     *
     * @param accountId its account
     * @param deviceId its device ID, 1..127; or 0 for every device the account has registered when
     *     the blob is created (the uploading device itself excluded)
     */
    public record Recipient(String accountId, int deviceId) {
        public Recipient {
            requireAccountId(accountId, "accountId");
            if (deviceId != 0) {
                requireDeviceId(deviceId, "deviceId");
            }
        }
    }

    /**
     * The JSON body of {@code POST /v1/blobs}.
     *
     * @param size the blob's exact length in bytes, 1 up to the relay's {@code --max-blob-bytes}
     * @param expiresAt when the blob may be deleted, Unix milliseconds; the relay shortens it to
     *     its {@code --max-expiry} and treats 0 as that maximum
     * @param recipients the devices (other than the uploader) that may fetch it; 1..2048, each at
     *     most once
     */
    public record Create(long size, long expiresAt, List<Recipient> recipients) {
        public Create {
            Checks.range(size, "size", 1, Long.MAX_VALUE);
            Checks.nonNegative(expiresAt, "expiresAt");
            recipients = list(present(recipients, "recipients"), "recipients");
            if (recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
                throw new IllegalArgumentException(
                        "field 'recipients' must name 1.." + MAX_RECIPIENTS + " devices");
            }
            if (recipients.stream().distinct().count() != recipients.size()) {
                throw new IllegalArgumentException("field 'recipients' names a device twice");
            }
        }
    }

    /**
     * A blob's state: the answer to create, to every committed chunk and to {@code GET
     * /v1/blobs/{id}/status}.
     *
     * @param id the blob ID
     * @param size its length in bytes
     * @param offset how many bytes from the start are stored durably
     * @param complete whether all {@code size} bytes are stored (only then can it be fetched)
     * @param expiresAt when the relay deletes it, Unix milliseconds
     */
    public record Status(String id, long size, long offset, boolean complete, long expiresAt) {}
}
