package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted files through a real relay: 1:1 with several devices, groups, and a tampered blob. */
class FilesRelayTest {
    @TempDir Path dir;

    private RelayServer relay;

    @BeforeEach
    void startRelay() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    private ChatClient open(String home, ChatListener listener) {
        return TestRelays.client(dir.resolve(home), relay.url(), listener).build();
    }

    private void addDevice(String first, String home, int id) throws Exception {
        try (ChatClient existing = open(first, new RecordingListener())) {
            existing.synced().get(30, TimeUnit.SECONDS);
            assertEquals(
                    id, OwnDevices.link(existing, dir.resolve(home), relay.url(), home).deviceId());
        }
        try (ChatClient device = open(home, new RecordingListener())) {
            assertEquals(0, device.flush(Duration.ofSeconds(30)));
        }
    }

    private Path file(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static byte[] read(InputStream in) throws IOException {
        try (InputStream s = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = s.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    private long relayBlobs() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("relay").resolve("blobs"))) {
            return files.count();
        }
    }

    @Test
    void aFileReachesEveryDeviceOfTheRecipientAndTheSendersOtherDevice() throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("b1"), relay.url(), "bob");
        addDevice("a1", "a2", 2);
        addDevice("b1", "b2", 2);
        // more than one upload chunk and more than one cipher chunk
        Path photo = file("holiday photo.jpg", 9 * 1024 * 1024 + 123);
        byte[] content = Files.readAllBytes(photo);

        RecordingListener b1Events = new RecordingListener();
        try (ChatClient a1 = open("a1", new RecordingListener());
                ChatClient b1 = open("b1", b1Events)) {
            a1.synced().get(30, TimeUnit.SECONDS);
            OutgoingMessage sent =
                    a1.sendFile(bob.accountId(), photo, "image/jpeg", "look!")
                            .get(60, TimeUnit.SECONDS);
            assertEquals(MessageState.SENT, sent.accepted().get(30, TimeUnit.SECONDS));

            IncomingMessage got = b1Events.awaitMessages(1).get(0);
            assertEquals("look!", got.text());
            Attachment a = got.attachment();
            assertNotNull(a);
            assertEquals("holiday photo.jpg", a.fileName());
            assertEquals("image/jpeg", a.mediaType());
            assertEquals(content.length, a.size());
            assertArrayEquals(content, read(b1.openFile(got)));
            // the second read comes from the verified copy on this device
            assertArrayEquals(content, read(b1.openFile(got)));
            StoredMessage inHistory = b1.history().page(alice.accountId(), 10, null).get(0);
            assertEquals(a, inHistory.attachment());

            // the sender reads its own copy without the relay
            StoredMessage own = a1.history().page(bob.accountId(), 10, null).get(0);
            assertEquals(a, own.attachment());
            assertArrayEquals(content, read(a1.openFile(own)));
            assertEquals(1, relayBlobs());
        }

        RecordingListener a2Events = new RecordingListener();
        RecordingListener b2Events = new RecordingListener();
        try (ChatClient a2 = open("a2", a2Events);
                ChatClient b2 = open("b2", b2Events)) {
            IncomingMessage onB2 = b2Events.awaitMessages(1).get(0);
            assertArrayEquals(content, read(b2.openFile(onB2)));
            StoredMessage copy = a2Events.awaitSentOnOtherDevice(1).get(0);
            assertTrue(copy.otherDevice());
            StoredMessage copyInHistory = a2.history().page(bob.accountId(), 10, null).get(0);
            assertEquals("holiday photo.jpg", copyInHistory.attachment().fileName());
            assertArrayEquals(content, read(a2.openFile(copyInHistory)));
        }
        // every recipient device fetched it: the relay deleted it
        assertEquals(0, relayBlobs());
    }

    @Test
    void aGroupFileReachesEveryMember() throws Exception {
        ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        AccountId bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob").accountId();
        AccountId carol =
                ChatClient.initialize(dir.resolve("carol"), relay.url(), "carol").accountId();
        RecordingListener bobIn = new RecordingListener();
        RecordingListener carolIn = new RecordingListener();
        Path notes = file("notes.txt", 70_000);
        try (ChatClient a = open("alice", new RecordingListener());
                ChatClient b = open("bob", bobIn);
                ChatClient c = open("carol", carolIn)) {
            Group g = a.groups().create("club", List.of(bob, carol));
            bobIn.awaitGroup(x -> x.id().equals(g.id()));
            carolIn.awaitGroup(x -> x.id().equals(g.id()));
            a.groups().sendFile(g.id(), notes, "text/plain", null).get(60, TimeUnit.SECONDS);
            IncomingMessage toBob = bobIn.awaitMessages(1).get(0);
            IncomingMessage toCarol = carolIn.awaitMessages(1).get(0);
            assertEquals(g.id(), toBob.group());
            assertEquals("", toBob.text());
            byte[] expected = Files.readAllBytes(notes);
            assertArrayEquals(expected, read(b.openFile(toBob)));
            assertArrayEquals(expected, read(c.openFile(toCarol)));
            StoredMessage own = a.groups().history(g.id(), 10, null).get(0);
            assertArrayEquals(expected, read(a.openFile(own)));
        }
    }

    @Test
    void aTamperedFileIsRefusedAndNothingOfItIsKept() throws Exception {
        ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        AccountId bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob").accountId();
        RecordingListener bobIn = new RecordingListener();
        Path doc = file("report.pdf", 200_000);
        try (ChatClient a = open("alice", new RecordingListener());
                ChatClient b = open("bob", bobIn)) {
            a.sendFile(bob, doc, "application/pdf", null).get(60, TimeUnit.SECONDS);
            IncomingMessage got = bobIn.awaitMessages(1).get(0);
            // the relay (or someone with its disk) changes one byte of the stored ciphertext
            Path blob;
            try (Stream<Path> files = Files.list(dir.resolve("relay").resolve("blobs"))) {
                blob = files.findFirst().orElseThrow();
            }
            try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
                f.seek(100_000);
                int b0 = f.read();
                f.seek(100_000);
                f.write(b0 ^ 1);
            }
            ChatException e = assertThrows(ChatException.class, () -> b.openFile(got));
            assertEquals(ChatException.Reason.CRYPTO_FAILURE, e.reason());
            try (Stream<Path> kept = Files.list(dir.resolve("bob").resolve("files"))) {
                assertEquals(0, kept.count(), "nothing of the file is kept");
            }
            // a message without a file has nothing to open
            a.send(bob, "plain").accepted().get(30, TimeUnit.SECONDS);
            IncomingMessage plain = bobIn.awaitMessages(1).get(0);
            assertNull(plain.attachment());
            assertEquals(
                    ChatException.Reason.INVALID_ARGUMENT,
                    assertThrows(ChatException.class, () -> b.openFile(plain)).reason());
            assertFalse(Files.exists(dir.resolve("bob").resolve("files").resolve("x")));
        }
    }

    @Test
    void overTheRelaysLimitsTheSendFailsClearlyAndAFetchedFileIsGoneFromTheRelay()
            throws Exception {
        relay.close();
        relay =
                RelayServer.start(
                        new dev.cipherline.relay.RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("relay"),
                                        Duration.ofDays(30),
                                        100_000,
                                        64)
                                .withBlobs(new dev.cipherline.relay.BlobLimits(300_000, 700_000)),
                        java.time.Clock.systemUTC());
        ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        AccountId bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob").accountId();
        RecordingListener bobIn = new RecordingListener();
        try (ChatClient a = open("alice", new RecordingListener());
                ChatClient b = open("bob", bobIn)) {
            Exception big =
                    assertThrows(
                            Exception.class,
                            () ->
                                    a.sendFile(bob, file("big.bin", 400_000), null, null)
                                            .get(60, TimeUnit.SECONDS));
            assertEquals(
                    ChatException.Reason.FILE_TOO_LARGE, ((ChatException) big.getCause()).reason());
            a.sendFile(bob, file("one.bin", 250_000), null, null).get(60, TimeUnit.SECONDS);
            a.sendFile(bob, file("two.bin", 250_000), null, null).get(60, TimeUnit.SECONDS);
            // bob has fetched neither: alice holds 500 KB of her 700 KB
            Exception quota =
                    assertThrows(
                            Exception.class,
                            () ->
                                    a.sendFile(bob, file("three.bin", 250_000), null, null)
                                            .get(60, TimeUnit.SECONDS));
            assertEquals(
                    ChatException.Reason.QUOTA_EXCEEDED,
                    ((ChatException) quota.getCause()).reason());
            assertEquals(2, a.history().page(bob, 10, null).size(), "nothing of the refused ones");

            IncomingMessage one = bobIn.awaitMessages(2).get(0);
            read(b.openFile(one));
            // the relay deleted it once bob's only device had it; without the kept copy it is gone
            try (Stream<Path> kept = Files.list(dir.resolve("bob").resolve("files"))) {
                for (Path p : kept.toList()) {
                    Files.delete(p);
                }
            }
            assertEquals(
                    ChatException.Reason.FILE_UNAVAILABLE,
                    assertThrows(ChatException.class, () -> b.openFile(one)).reason());
            // the freed quota takes a new file
            a.sendFile(bob, file("four.bin", 250_000), null, null).get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUnreadableFileFailsTheSendAndNothingIsQueued() throws Exception {
        ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        AccountId bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob").accountId();
        try (ChatClient a = open("alice", new RecordingListener())) {
            Exception e =
                    assertThrows(
                            Exception.class,
                            () ->
                                    a.sendFile(bob, dir.resolve("missing.bin"), null, null)
                                            .get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof ChatException, e.toString());
            assertEquals(
                    ChatException.Reason.INVALID_ARGUMENT, ((ChatException) e.getCause()).reason());
            assertTrue(a.history().page(bob, 10, null).isEmpty());
        }
    }
}
