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
 * Test fixture: a further device of an existing account, registered with the identity and the
 * signed device list read from device 1's store (the registration signs the next version of that
 * list, as a linked device does). A shortcut past linking ({@code ChatClient.linker()}, {@code
 * devices().link}); the store of device 1 must not be open in a client while this runs.
 */
final class OwnDevices {
    private OwnDevices() {}

    /**
     * Registers device {@code deviceId} of the account whose unprotected store is in {@code
     * firstHome}, and stores it in the empty folder {@code newHome}.
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
