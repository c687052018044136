package dev.cipherline.sdk.internal.client;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.SafetyNumbers;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.SafetyNumber;
import dev.cipherline.sdk.internal.store.VerificationStore;
import java.time.Clock;

/** Safety numbers and the user's verification of them. */
final class Verification {
    private final VerificationStore store;
    private final String ownAccount;
    private final byte[] ownIdentityKey;
    private final Clock clock;

    Verification(VerificationStore store, String ownAccount, byte[] ownIdentityKey, Clock clock) {
        this.store = store;
        this.ownAccount = ownAccount;
        this.ownIdentityKey = ownIdentityKey.clone();
        this.clock = clock;
    }

    SafetyNumber safetyNumber(AccountId peer) {
        byte[] key = peerKey(peer);
        return new SafetyNumber(peer, digits(peer, key), store.isVerified(peer.value(), key));
    }

    SafetyNumber markVerified(AccountId peer) {
        byte[] key = peerKey(peer);
        String digits = digits(peer, key);
        store.markVerified(peer.value(), key, clock.millis());
        return new SafetyNumber(peer, digits, true);
    }

    /** The identity key of {@code peer} this device knows (a copy). */
    byte[] identityKey(AccountId peer) {
        return peerKey(peer).clone();
    }

    boolean isVerified(AccountId peer) {
        return store.peerIdentity(peer.value())
                .map(key -> store.isVerified(peer.value(), key))
                .orElse(false);
    }

    private byte[] peerKey(AccountId peer) {
        if (peer.value().equals(ownAccount)) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "a safety number is computed with another account, not with this one");
        }
        return store.peerIdentity(peer.value())
                .orElseThrow(
                        () ->
                                new ChatException(
                                        ChatException.Reason.REJECTED,
                                        "no identity key of "
                                                + peer.value()
                                                + " is known yet: send them a message or receive"
                                                + " one first"));
    }

    private String digits(AccountId peer, byte[] key) {
        try {
            return SafetyNumbers.compute(ownAccount, ownIdentityKey, peer.value(), key);
        } catch (CryptoException e) {
            // stored keys were checked against the account ID when they were learned
            throw new ChatException(
                    ChatException.Reason.STORE_FAILURE,
                    "the stored identity key of " + peer.value() + " is damaged",
                    e);
        }
    }
}
