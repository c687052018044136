package dev.cipherline.sdk.internal.outbound;

/** A session that cannot encrypt; it is dropped and rebuilt from a fresh bundle. */
final class BrokenSession extends RuntimeException {
    final String account;
    final int device;

    BrokenSession(String account, int device) {
        super(null, null, false, false);
        this.account = account;
        this.device = device;
    }
}
