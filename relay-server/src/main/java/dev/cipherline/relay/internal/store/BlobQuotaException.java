package dev.cipherline.relay.internal.store;

/** Creating a blob would take its uploader past its byte quota; nothing was stored. */
public final class BlobQuotaException extends RuntimeException {
    private final long used;
    private final long quota;

    /** The uploader holds {@code used} bytes of blobs already, of {@code quota}. */
    public BlobQuotaException(long used, long quota) {
        super("the device holds " + used + " bytes of files on the relay, its quota is " + quota);
        this.used = used;
        this.quota = quota;
    }

    /** The bytes of blobs the uploader holds already. */
    public long used() {
        return used;
    }

    /** The uploader's quota in bytes. */
    public long quota() {
        return quota;
    }
}
