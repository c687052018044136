package dev.cipherline.sdk;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.DeviceList;
import dev.cipherline.crypto.Identity;
import dev.cipherline.sdk.internal.registration.Registrar;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DeviceListStore;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import dev.cipherline.sdk.internal.store.StoreKeyTable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Test fixture: further devices of an existing account. {@link #link} links one for real, as a user
 * does ({@code ChatClient.linker()} answered by {@code devices().link}). {@link #add} registers one
 * under a device ID of the test's choice with the identity read from device 1's store, without
 * linking: only for what linking cannot make, a device ID registered afresh (a reinstall), since a
 * link always picks a free ID. {@link #add} signs the next version of the signed device list read
 * from device 1's store, as a linked device does.
 */
final class OwnDevices {
    private OwnDevices() {}

    /**
     * Links the empty folder {@code newHome} as a new device of the account of the open client
     * {@code existing}, named {@code name}, and returns it once it registered.
     */
    static AccountInfo link(ChatClient existing, Path newHome, URI relay, String name)
            throws Exception {
        Linker.PendingLink link =
                ChatClient.linker().home(newHome).relayUrl(relay).deviceName(name).start();
        java.util.concurrent.CompletableFuture<AccountInfo> linked =
                java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> link.await(java.time.Duration.ofSeconds(30)));
        Devices.OutgoingLink outgoing = existing.devices().link(link.uri());
        if (!outgoing.fingerprint().equals(link.fingerprint())) {
            throw new AssertionError("the two devices show different fingerprints");
        }
        outgoing.confirm();
        return linked.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Registers device {@code deviceId} of the account whose unprotected store is in {@code
     * firstHome}, and stores it in the empty folder {@code newHome}; the store of {@code firstHome}
     * must not be open in a client meanwhile.
     */
    static AccountInfo add(Path firstHome, Path newHome, URI relay, int deviceId) {
        Identity identity;
        DeviceList previous = null;
        try (Database db = Database.openUnprotected(firstHome)) {
            LocalIdentity local = new IdentityStore(db).load().orElseThrow();
            identity = Identity.fromSerialized(local.identityKeyPair());
            byte[] pinned = new DeviceListStore(db).pinned(identity.accountId());
            if (pinned != null) {
                previous = DeviceList.verify(pinned, identity.accountId(), identity.publicKey());
            }
        } catch (CryptoException e) {
            throw new IllegalStateException(e);
        }
        AccountInfo added =
                Registrar.register(
                        newHome,
                        List.of(relay),
                        null,
                        StoreKeyTable.Unlock.NONE,
                        null,
                        RelayTrust.system(),
                        Clock.systemUTC(),
                        identity,
                        deviceId,
                        previous,
                        db -> {});
        // device 1 learns the new list as if it had asked the relay, so the next device added
        // from its store signs the version after it
        byte[] signed;
        try (Database db = Database.openUnprotected(newHome)) {
            signed = new DeviceListStore(db).pinned(identity.accountId());
        }
        if (signed != null) {
            try (Database db = Database.openUnprotected(firstHome)) {
                new DeviceListStore(db)
                        .pin(identity.accountId(), DeviceList.parse(signed).version(), signed);
            } catch (CryptoException e) {
                throw new IllegalStateException(e);
            }
        }
        return added;
    }
}
