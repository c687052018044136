package dev.cipherline.relay.internal.store;

import dev.cipherline.protocol.Registration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the relay's operators see and change through the admin listener: totals, a write probe for
 * readiness, and invites. Asynchronous like the rest of the store.
 */
public interface AdminStore {

    /** Queue entries and ciphertext bytes stored, counted by the store now. */
    CompletableFuture<QueueTotals> queueTotals();

    /** Completes when a small write was durably committed: the store accepts writes. */
    CompletableFuture<Void> probe();

    /** The devices of an account, by device ID; empty if the account is unknown. */
    CompletableFuture<List<DeviceInfo>> devices(String accountId);

    /** Records that the device authenticated at {@code at} (Unix milliseconds). */
    CompletableFuture<Void> seen(DeviceAddress device, long at);

    /**
     * Deletes a device (or, with {@code deviceId} null, every device of the account) with its keys,
     * prekeys and queue: its logins fail from then on, and senders are told it is gone ({@code
     * mismatched-devices}, {@code extra}).
     *
     * @return the IDs of the devices deleted (empty if there were none)
     */
    CompletableFuture<List<Integer>> revokeDevices(String accountId, Integer deviceId);

    /** Stores a new invite; fails if its ID or token hash is taken. */
    CompletableFuture<Void> createInvite(Invite invite);

    /** Every invite, expired and used-up ones included, oldest first. */
    CompletableFuture<List<Invite>> invites();

    /**
     * Deletes an invite.
     *
     * @return whether it existed
     */
    CompletableFuture<Boolean> revokeInvite(String id);

    /**
     * Takes one use of the invite whose token hashes to {@code tokenHash} and registers the device
     * (as {@link DeviceStore#register}), both or neither: a registration that fails (its future
     * fails) leaves the invite's uses as they were, and a refused invite registers nothing.
     *
     * @param now the time to check the expiry against, in Unix milliseconds
     */
    CompletableFuture<InviteOutcome> registerWithInvite(
            Registration registration, byte[] tokenHash, long now);
}
