package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.DeviceInfo;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.Linker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linking a second device through a real relay process, with the relay's device limit: the linked
 * device works like the first, the relay's data never holds what the link carried, and a removed
 * device is cut off.
 */
class LinkingIT {
    private static final String CANARY = "linking-canary-contact";

    @TempDir Path dir;

    @Test
    void aSecondDeviceIsLinkedUsedAndRemovedAndTheRelayKeepsNothingReadable() throws Exception {
        Path data = dir.resolve("relay");
        try (RelayProcess relay = RelayProcess.start(data, "--max-devices", "2")) {
            AccountInfo alice = Accounts.create(dir.resolve("alice"), relay.url(), "alice");
            AccountInfo bob = Accounts.create(dir.resolve("bob"), relay.url(), "bob");
            try (ChatClient a = Accounts.open(dir.resolve("alice"), new RecordingListener())) {
                a.contacts().add(CANARY, bob.accountId());
                AccountInfo laptop = link(a, relay, "laptop");
                assertEquals(alice.accountId(), laptop.accountId());
                assertEquals(2, laptop.deviceId());

                // the relay allows two devices: a third link fails on the new device
                Linker.PendingLink third =
                        ChatClient.linker()
                                .home(dir.resolve("phone"))
                                .relayUrl(relay.url())
                                .start();
                CompletableFuture<AccountInfo> refused =
                        CompletableFuture.supplyAsync(() -> third.await(Duration.ofSeconds(60)));
                a.devices().link(third.uri()).confirm();
                ChatException e =
                        (ChatException)
                                assertThrows(
                                                java.util.concurrent.ExecutionException.class,
                                                () -> refused.get(60, TimeUnit.SECONDS))
                                        .getCause();
                assertEquals(ChatException.Reason.TOO_MANY_DEVICES, e.reason());
                assertFalse(ChatClient.isInitialized(dir.resolve("phone")));

                RecordingListener bobInbox = new RecordingListener();
                try (ChatClient l = Accounts.open(dir.resolve("laptop"), new RecordingListener());
                        ChatClient b = Accounts.open(dir.resolve("bob"), bobInbox)) {
                    l.send(bob.accountId(), "sent from the laptop")
                            .accepted()
                            .get(60, TimeUnit.SECONDS);
                    IncomingMessage got = bobInbox.awaitMessages(1, Duration.ofMinutes(1)).get(0);
                    assertEquals(alice.accountId(), got.from());
                    assertEquals(2, got.fromDevice());
                    assertEquals(
                            List.of(1, 2),
                            l.devices().list().stream().map(DeviceInfo::deviceId).toList());
                }
                a.devices().remove(2);
                assertEquals(
                        List.of(1), a.devices().list().stream().map(DeviceInfo::deviceId).toList());
            }
            assertNothingReadable(data);
            assertEquals(0, relay.stop());
        }
        assertNothingReadable(data);
    }

    private AccountInfo link(ChatClient existing, RelayProcess relay, String who) throws Exception {
        Linker.PendingLink link =
                ChatClient.linker().home(dir.resolve(who)).relayUrl(relay.url()).start();
        CompletableFuture<AccountInfo> linked =
                CompletableFuture.supplyAsync(() -> link.await(Duration.ofSeconds(60)));
        assertEquals(link.fingerprint(), existing.devices().link(link.uri()).fingerprint());
        existing.devices().link(link.uri()).confirm();
        return linked.get(60, TimeUnit.SECONDS);
    }

    private static void assertNothingReadable(Path data) throws IOException {
        try (Stream<Path> walk = Files.walk(data)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(file);
                assertFalse(
                        DataDirectoryScanIT.contains(
                                content, CANARY.getBytes(StandardCharsets.UTF_8)),
                        file.getFileName() + " holds what the link carried");
            }
        }
    }
}
