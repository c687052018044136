package dev.cipherline.sdk.internal.devices;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.DeviceList;
import dev.cipherline.sdk.internal.store.DeviceListStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signed device lists this device trusts: each account's newest list it has seen, pinned by
 * version in the store. A list a relay serves is accepted only if it verifies under the account's
 * identity key and is not older than the pinned one; a newer one replaces the pin. Thread-safe: a
 * pin (in the store and in memory) only ever moves to a newer version, and checks of served lists
 * are serialized. Reading a pin takes no lock but the store's, so it may be called inside a store
 * transaction.
 */
public final class DeviceLists {
    private final DeviceListStore store;
    private final Map<String, Optional<DeviceList>> cache = new ConcurrentHashMap<>();
    private final Map<String, Long> announced = new ConcurrentHashMap<>();

    public DeviceLists(DeviceListStore store) {
        this.store = store;
    }

    /** The newest list seen of {@code account}, or null if none was. */
    public DeviceList pinned(String account) {
        Optional<DeviceList> cached = cache.get(account);
        if (cached != null) {
            return cached.orElse(null);
        }
        return remember(account, read(store.pinned(account)));
    }

    private static DeviceList read(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            // verified before it was pinned; the store is this device's own
            return DeviceList.parse(bytes);
        } catch (CryptoException e) {
            return null;
        }
    }

    /** Keeps the newer of the cached list and {@code list}; returns what is cached then. */
    private DeviceList remember(String account, DeviceList list) {
        return cache.merge(
                        account,
                        Optional.ofNullable(list),
                        (old, now) ->
                                !now.isPresent()
                                                || old.isPresent()
                                                        && old.get().version()
                                                                >= now.get().version()
                                        ? old
                                        : now)
                .orElse(null);
    }

    /** The signed bytes of the newest list seen of {@code account}, or null. */
    public byte[] pinnedBytes(String account) {
        return store.pinned(account);
    }

    /**
     * Checks the list a relay served for {@code account} (null: it served none) and pins it if it
     * is newer than the pinned one.
     *
     * @param identityKey the account's 33-byte identity key, as the relay handed it out (the list's
     *     verification checks that it derives the account)
     * @return the list, or null if the relay served none and none was ever seen (an account
     *     registered before device lists existed)
     * @throws DeviceListException if the list does not verify, is older than (or differs from at
     *     the same version) the pinned one, or is missing although one was seen
     */
    public synchronized DeviceList accept(String account, byte[] identityKey, byte[] served) {
        DeviceList pinned = pinned(account);
        if (served == null) {
            if (pinned != null) {
                throw new DeviceListException(
                        "the relay handed out no signed device list of "
                                + account
                                + ", which has one (version "
                                + pinned.version()
                                + " was seen): refused");
            }
            return null;
        }
        DeviceList list;
        try {
            list = DeviceList.verify(served, account, identityKey);
        } catch (CryptoException e) {
            throw new DeviceListException(
                    "the signed device list the relay handed out for "
                            + account
                            + " was refused: "
                            + e.getMessage());
        }
        if (pinned != null && list.version() < pinned.version()) {
            throw new DeviceListException(
                    "the relay handed out version "
                            + list.version()
                            + " of the device list of "
                            + account
                            + ", older than version "
                            + pinned.version()
                            + " seen before: refused");
        }
        if (pinned != null && list.version() == pinned.version() && !list.equals(pinned)) {
            throw new DeviceListException(
                    "the relay handed out a device list of "
                            + account
                            + " that differs from the one of the same version (version "
                            + list.version()
                            + ") seen before: refused");
        }
        if (pinned == null || list.version() > pinned.version()) {
            pin(list, served);
        }
        return list;
    }

    /** Pins {@code list} (verified, or made and signed here) if it is newer than the pinned one. */
    public void pin(DeviceList list, byte[] signed) {
        store.pin(list.accountId(), list.version(), signed);
        remember(list.accountId(), list);
    }

    /**
     * Records that a message of {@code account}, authenticated end to end, carried {@code version}
     * as its sender's device list version: the relay must hand out at least that version before
     * this device sends to the account again. Kept in the store (written only when it grows) and in
     * memory.
     */
    public void announced(String account, long version) {
        if (version > announced(account)) {
            store.announce(account, version);
            announced.merge(account, version, Math::max);
        }
    }

    /** The highest device list version messages of {@code account} carried, 0 if none. */
    public long announced(String account) {
        Long version = announced.get(account);
        if (version == null) {
            // read outside the map's lock: the store has a lock of its own
            long stored = store.announced(account);
            Long raced = announced.putIfAbsent(account, stored);
            version = raced == null ? stored : raced;
        }
        return version;
    }

    /** The version of this device's own account's newest list, 0 if it has none. */
    public long versionOf(String account) {
        DeviceList list = pinned(account);
        return list == null ? 0 : list.version();
    }
}
