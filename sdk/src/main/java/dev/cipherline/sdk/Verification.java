package dev.cipherline.sdk;

import dev.cipherline.sdk.internal.client.ClientCore;
import java.util.Objects;

/**
 * Whom this account is really talking to, reached by {@link ChatClient#verification()}: safety
 * numbers, the user's mark that one matched, and contacts that started over with a new identity.
 * Reads and writes the local store only, never the network; thread-safe.
 *
 * <p>Account IDs are derived from identity keys, so a relay cannot change the key behind an ID;
 * what this adds is the check that the ID (or key) is the one the person in front of you holds.
 */
public final class Verification {
    private final ClientCore core;

    Verification(ClientCore core) {
        this.core = core;
    }

    /**
     * The safety number of this account and {@code peer}, computed from the identity keys this
     * device holds (learned with the first message either way), and whether the user verified it.
     * Both sides see the same 60 digits; compare them in person or over a channel you trust, then
     * call {@link #markVerified}.
     *
     * @throws ChatException REJECTED if no identity key of {@code peer} is known yet (no message
     *     was exchanged); INVALID_ARGUMENT if {@code peer} is this account; STORE_FAILURE; CLOSED
     */
    public SafetyNumber safetyNumber(AccountId peer) {
        Objects.requireNonNull(peer, "peer");
        return core.safetyNumber(peer);
    }

    /**
     * Records that the user compared the safety number with {@code peer} and it matched. The mark
     * belongs to the identity key the number was computed from; {@link Contact#verified()} and
     * {@link SafetyNumber#verified()} report it. It also accepts a pending identity change of
     * {@code peer} ({@link #acceptIdentityChange}).
     *
     * @return the safety number that was verified
     * @throws ChatException as {@link #safetyNumber}
     */
    public SafetyNumber markVerified(AccountId peer) {
        Objects.requireNonNull(peer, "peer");
        return core.markVerified(peer);
    }

    /**
     * Points the contact named {@code contactName} to a new account ID: the person started over
     * with a new identity (a reinstall makes a new identity key, and account IDs are derived from
     * it, so a relay can never change a key behind the same ID). The history with the old account
     * stays readable under the old account ID, the new account is not verified, the listener hears
     * {@link ChatListener#onIdentityChanged}, and with {@link
     * ChatClient.Builder#holdOnIdentityChange} new messages to the contact wait (state PENDING)
     * until {@link #acceptIdentityChange} or {@link #markVerified}.
     *
     * @return the contact after the change ({@link Contact#identityChangedFrom()} set)
     * @throws ChatException UNKNOWN_CONTACT if there is no such contact; INVALID_ARGUMENT if {@code
     *     newId} is its account already or another contact's; CLOSED
     */
    public Contact changeIdentity(String contactName, AccountId newId) {
        Objects.requireNonNull(contactName, "contactName");
        Objects.requireNonNull(newId, "newId");
        return core.changeContactIdentity(contactName, newId);
    }

    /**
     * Accepts the identity change of the contact of {@code account}: messages held for it are sent
     * now (in order) and {@link Contact#identityChangedFrom()} is cleared.
     *
     * @return whether a change was waiting to be accepted
     * @throws ChatException STORE_FAILURE; CLOSED
     */
    public boolean acceptIdentityChange(AccountId account) {
        Objects.requireNonNull(account, "account");
        return core.acceptIdentityChange(account);
    }
}
