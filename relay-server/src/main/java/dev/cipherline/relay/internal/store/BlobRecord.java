package dev.cipherline.relay.internal.store;

import java.util.List;

/**
 * One blob as the store keeps it: opaque ciphertext of a known size, who uploaded it, and which
 * devices may still fetch it. No name, type or key: those travel end to end.
 *
 * @param id the unguessable blob ID (43 characters of base64url)
 * @param owner the device that created and uploads it
 * @param size its length in bytes
 * @param offset how many bytes from the start are stored durably
 * @param createdAt when it was created, Unix milliseconds
 * @param expiresAt when the sweep deletes it, Unix milliseconds
 * @param recipients the devices that may fetch it and have not released it yet
 */
public record BlobRecord(
        String id,
        DeviceAddress owner,
        long size,
        long offset,
        long createdAt,
        long expiresAt,
        List<DeviceAddress> recipients) {

    public BlobRecord {
        recipients = List.copyOf(recipients);
        if (size < 1 || offset < 0 || offset > size) {
            throw new IllegalArgumentException("a blob's offset must be 0..size, its size >= 1");
        }
    }

    /** Whether every byte is stored, so recipients may fetch it. */
    public boolean complete() {
        return offset == size;
    }

    /**
     * Whether {@code device} may fetch it: the uploader or a recipient that has not released it.
     */
    public boolean readableBy(DeviceAddress device) {
        return owner.equals(device) || recipients.contains(device);
    }

    /** This record with {@code offset} bytes stored. */
    public BlobRecord withOffset(long offset) {
        return new BlobRecord(id, owner, size, offset, createdAt, expiresAt, recipients);
    }
}
