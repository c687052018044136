package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cipherline.crypto.DeviceList;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.sdk.internal.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts whose relay holds no signed device list get one from their own devices: an account
 * registered before lists existed (its single device signs version 1), and a relay restored from a
 * backup older than the account's newest list (a device gives back the newest one it has seen).
 */
class DeviceListUpgradeRelayTest {
    @TempDir Path dir;

    private RelayServer relay;

    @BeforeEach
    void start() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private static void execute(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The relay forgets every list, as a relay of before lists (or an old backup) would be. */
    private void relayWithoutLists() throws Exception {
        relay.close();
        execute(dir.resolve("relay").resolve("relay.db"), "DELETE FROM device_lists");
        relay = TestRelays.start(dir.resolve("relay"));
    }

    /** The list the relay holds for {@code account}, or null. */
    private DeviceList relayList(AccountId account) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:sqlite:" + dir.resolve("relay").resolve("relay.db"));
                PreparedStatement s =
                        c.prepareStatement("SELECT list FROM device_lists WHERE account = ?")) {
            s.setString(1, account.value());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? DeviceList.parse(rs.getBytes(1)) : null;
            }
        }
    }

    private List<Integer> devicesSeenBy(String home) throws Exception {
        try (ChatClient client =
                TestRelays.client(dir.resolve(home), relay.url(), new RecordingListener())
                        .build()) {
            client.synced().get(30, TimeUnit.SECONDS);
            return client.devices().list().stream().map(DeviceInfo::deviceId).toList();
        }
    }

    @Test
    void theSingleDeviceOfAnAccountWithoutAListSignsItsFirstOne() throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        relayWithoutLists();
        // and an SDK of before lists had pinned none
        execute(dir.resolve("a1").resolve(Database.FILE_NAME), "DELETE FROM device_lists");
        assertNull(relayList(alice.accountId()));

        assertEquals(List.of(1), devicesSeenBy("a1"));
        DeviceList first = relayList(alice.accountId());
        assertNotNull(first, "the relay holds a list again");
        assertEquals(1, first.version());
        assertEquals(List.of(1), first.deviceIds());

        // senders check it from now on
        ChatClient.initialize(dir.resolve("b1"), relay.url(), "bob");
        try (ChatClient b1 =
                TestRelays.client(dir.resolve("b1"), relay.url(), new RecordingListener())
                        .build()) {
            assertEquals(
                    MessageState.SENT,
                    b1.send(alice.accountId(), "hi").accepted().get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aRelayThatLostTheListGetsTheNewestOneBack() throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        OwnDevices.add(dir.resolve("a1"), dir.resolve("a2"), relay.url(), 2);
        relayWithoutLists();

        assertEquals(List.of(1, 2), devicesSeenBy("a1"));
        DeviceList back = relayList(alice.accountId());
        assertNotNull(back);
        assertEquals(2, back.version());
        assertEquals(List.of(1, 2), back.deviceIds());
    }
}
