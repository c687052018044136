package dev.cipherline.sdk;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.Identity;
import dev.cipherline.sdk.internal.registration.Registrar;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import dev.cipherline.sdk.internal.store.StoreKeyTable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Test fixture: a further device of an existing account, registered with the identity read from
 * device 1's store. Stands in for linking ({@code ChatClient.linker()}, {@code devices().link})
 * until that lands; the store of device 1 must not be open in a client while this runs.
 */
final class OwnDevices {
    private OwnDevices() {}

    /**
     * Registers device {@code deviceId} of the account whose unprotected store is in {@code
     * firstHome}, and stores it in the empty folder {@code newHome}.
     */
    static AccountInfo add(Path firstHome, Path newHome, URI relay, int deviceId) {
        Identity identity;
        try (Database db = Database.openUnprotected(firstHome)) {
            LocalIdentity local = new IdentityStore(db).load().orElseThrow();
            identity = Identity.fromSerialized(local.identityKeyPair());
        } catch (CryptoException e) {
            throw new IllegalStateException(e);
        }
        return Registrar.register(
                newHome,
                List.of(relay),
                null,
                StoreKeyTable.Unlock.NONE,
                null,
                RelayTrust.system(),
                Clock.systemUTC(),
                identity,
                deviceId);
    }
}
