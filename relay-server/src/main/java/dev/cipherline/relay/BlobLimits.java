package dev.cipherline.relay;

/**
 * The limits of the relay's blob store (encrypted files).
 *
 * @param maxBlobBytes the largest blob one upload may create ({@code --max-blob-bytes})
 * @param quotaBytes the most bytes of blobs one device may hold at once, counting every blob it
 *     uploaded that is not deleted yet ({@code --blob-quota})
 */
public record BlobLimits(long maxBlobBytes, long quotaBytes) {
    /** The default largest blob: 100 MiB. */
    public static final long DEFAULT_MAX_BLOB_BYTES = 100L * 1024 * 1024;

    /** The default quota per device: 1 GiB. */
    public static final long DEFAULT_QUOTA_BYTES = 1024L * 1024 * 1024;

    /** 100 MiB per blob, 1 GiB per device. */
    public static final BlobLimits DEFAULT =
            new BlobLimits(DEFAULT_MAX_BLOB_BYTES, DEFAULT_QUOTA_BYTES);

    /** Checks both values. */
    public BlobLimits {
        if (maxBlobBytes < 1) {
            throw new IllegalArgumentException("--max-blob-bytes must be at least 1.");
        }
        if (quotaBytes < maxBlobBytes) {
            throw new IllegalArgumentException("--blob-quota must be at least --max-blob-bytes.");
        }
    }
}
