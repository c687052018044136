package dev.cipherline.relay.internal.store;

import java.util.Arrays;

/**
 * An invite as the store keeps it: never the token, only its SHA-256 hash.
 *
 * @param id a short public name (16 lowercase hex characters) for listing and revoking
 * @param tokenHash the SHA-256 hash of the token (32 bytes)
 * @param uses how many registrations it admitted when created
 * @param usesLeft how many more registrations it admits
 * @param createdAt when it was created, in Unix milliseconds
 * @param expiresAt when it stops admitting registrations, in Unix milliseconds
 */
public record Invite(
        String id, byte[] tokenHash, int uses, int usesLeft, long createdAt, long expiresAt) {

    /** Checks every value. */
    public Invite {
        if (id == null || !id.matches("[0-9a-f]{16}")) {
            throw new IllegalArgumentException("an invite ID is 16 lowercase hex characters");
        }
        if (tokenHash == null || tokenHash.length != 32) {
            throw new IllegalArgumentException("an invite's token hash is 32 bytes");
        }
        if (uses < 1 || usesLeft < 0 || usesLeft > uses) {
            throw new IllegalArgumentException("an invite has 1 or more uses, 0..uses left");
        }
        tokenHash = tokenHash.clone();
    }

    @Override
    public byte[] tokenHash() {
        return tokenHash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Invite i
                && id.equals(i.id)
                && Arrays.equals(tokenHash, i.tokenHash)
                && uses == i.uses
                && usesLeft == i.usesLeft
                && createdAt == i.createdAt
                && expiresAt == i.expiresAt;
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "Invite[id=" + id + ", uses=" + uses + ", usesLeft=" + usesLeft + "]";
    }
}
