package dev.cipherline.sdk.internal.outbound;

/** A session that cannot encrypt; it is dropped and rebuilt from a fresh bundle. */
final class BrokenSession extends RuntimeException {
    final int device;

    BrokenSession(int device) {
        super(null, null, false, false);
        this.device = device;
    }
}
