package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.ALICE_2;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Blobs;
import dev.cipherline.protocol.FrameCodec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blob API against a whole relay in-process, on SQLite with blob files in the data folder. */
class BlobApiTest {
    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();
    private final MutableClock clock = new MutableClock(Instant.now());
    private RelayServer relay;
    private BlobClient alice;
    private BlobClient alice2;
    private BlobClient bob;

    @BeforeEach
    void start() throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("data"),
                                        Duration.ofDays(30),
                                        1000,
                                        64)
                                .withBlobs(new BlobLimits(1_000_000, 2_500_000)),
                        clock);
        HttpClient http = HttpClient.newHttpClient();
        for (Vectors.Vector device : List.of(ALICE_1, ALICE_2, BOB_1)) {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                                    .POST(
                                            HttpRequest.BodyPublishers.ofByteArray(
                                                    codec.encodeJson(device.registration(2))))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(201, response.statusCode(), response.body());
        }
        alice = new BlobClient(relay.url(), ALICE_1, clock);
        alice2 = new BlobClient(relay.url(), ALICE_2, clock);
        bob = new BlobClient(relay.url(), BOB_1, clock);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void uploadInChunksThenEachRecipientFetchesAndTheLastReleaseDeletesIt() throws Exception {
        byte[] blob = bytes(700_000);
        String id = alice.createdId(blob.length, BOB_1, ALICE_2);
        assertEquals(Blobs.ID_LENGTH, id.length());
        assertEquals(0, alice.statusOf(id).offset());

        HttpResponse<String> first = alice.put(id, 0, Arrays.copyOf(blob, 300_000));
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(300_000, alice.statusOf(id).offset());
        assertFalse(alice.statusOf(id).complete());
        // not fetchable until complete
        assertEquals(409, bob.get(id, null).statusCode());

        HttpResponse<String> second =
                alice.put(id, 300_000, Arrays.copyOfRange(blob, 300_000, blob.length));
        assertEquals(200, second.statusCode(), second.body());
        assertTrue(alice.statusOf(id).complete());

        HttpResponse<byte[]> whole = bob.get(id, null);
        assertEquals(200, whole.statusCode());
        assertArrayEquals(blob, whole.body());
        HttpResponse<byte[]> tail = alice2.get(id, "bytes=650000-");
        assertEquals(206, tail.statusCode());
        assertEquals(
                "bytes 650000-699999/700000", tail.headers().firstValue("content-range").get());
        assertArrayEquals(Arrays.copyOfRange(blob, 650_000, blob.length), tail.body());
        HttpResponse<byte[]> middle = alice2.get(id, "bytes=10-19");
        assertArrayEquals(Arrays.copyOfRange(blob, 10, 20), middle.body());
        assertEquals(416, bob.get(id, "bytes=700000-").statusCode());

        assertEquals(1, blobFiles());
        assertEquals(200, bob.delete(id).statusCode());
        // bob released it: he may not fetch it again, alice's other device still may
        assertEquals(404, bob.get(id, null).statusCode());
        assertEquals(200, alice2.get(id, null).statusCode());
        assertTrue(alice2.delete(id).body().contains("\"deleted\":true"));
        assertEquals(0, blobFiles());
        assertEquals(404, alice.status(id).statusCode());
    }

    @Test
    void deviceZeroNamesEveryDeviceOfAnAccountButTheUploader() throws Exception {
        String id = alice.createForAccounts(4, BOB_1.accountId(), ALICE_1.accountId()).id();
        assertEquals(200, alice.put(id, 0, new byte[] {1, 2, 3, 4}).statusCode());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, bob.get(id, null).body());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, alice2.get(id, null).body());
        assertEquals(200, bob.delete(id).statusCode());
        // alice's device 1 uploaded it and is no recipient: the last release was alice's device 2
        assertTrue(alice2.delete(id).body().contains("\"deleted\":true"));
    }

    @Test
    void onlyTheUploaderAndRecipientsReachABlob() throws Exception {
        String id = alice.createdId(10, BOB_1);
        assertEquals(404, alice2.status(id).statusCode());
        assertEquals(404, alice2.get(id, null).statusCode());
        assertEquals(404, alice2.delete(id).statusCode());
        HttpResponse<String> notOwner = bob.put(id, 0, new byte[10]);
        assertEquals(403, notOwner.statusCode(), notOwner.body());
        // an ID that was never made is as unknown as one the caller may not see
        String made = "A".repeat(Blobs.ID_LENGTH);
        assertEquals(404, bob.status(made).statusCode());
    }

    @Test
    void unsignedBadlySignedSkewedOrReplayedRequestsAreRefused() throws Exception {
        String id = alice.createdId(10, BOB_1);
        HttpResponse<String> unsigned =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                relay.url()
                                                        .resolve(Blobs.PATH + "/" + id + "/status"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unsigned.statusCode());
        assertTrue(unsigned.body().contains("auth-required"), unsigned.body());

        // alice's headers, bob's key
        BlobClient impostor = new BlobClient(relay.url(), ALICE_1, clock);
        HttpRequest.Builder forged = bob.signed("GET", Blobs.PATH + "/" + id + "/status", null);
        forged.setHeader(Blobs.ACCOUNT_HEADER, ALICE_1.accountId());
        HttpResponse<String> wrongKey =
                HttpClient.newHttpClient()
                        .send(forged.GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrongKey.statusCode());
        assertTrue(wrongKey.body().contains("auth-failed"), wrongKey.body());

        impostor.skewMillis = 6 * 60 * 1000;
        HttpResponse<String> skewed = impostor.status(id);
        assertEquals(401, skewed.statusCode());
        assertTrue(skewed.headers().firstValue(Blobs.TIME_HEADER).isPresent());

        // a signature for the status of one path does not open another
        HttpRequest.Builder replay = bob.signed("GET", Blobs.PATH + "/" + id + "/status", null);
        HttpResponse<String> moved =
                HttpClient.newHttpClient()
                        .send(
                                replay.uri(relay.url().resolve(Blobs.PATH + "/" + id))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, moved.statusCode());
    }

    @Test
    void aWrongOffsetIsAnsweredWithTheCommittedOne() throws Exception {
        String id = alice.createdId(100, BOB_1);
        assertEquals(200, alice.put(id, 0, new byte[40]).statusCode());
        HttpResponse<String> wrong = alice.put(id, 0, new byte[40]);
        assertEquals(409, wrong.statusCode());
        assertTrue(wrong.body().contains("\"offset\":40"), wrong.body());
        assertTrue(wrong.body().contains("offset-mismatch"), wrong.body());
        HttpResponse<String> past = alice.put(id, 40, new byte[61]);
        assertEquals(413, past.statusCode());
        assertTrue(past.body().contains("blob-too-large"), past.body());
        assertEquals(40, alice.statusOf(id).offset());
    }

    @Test
    void aChunkCutShortCommitsNothingAndTheUploadResumes() throws Exception {
        byte[] blob = bytes(50_000);
        String id = alice.createdId(blob.length, BOB_1);
        String target = Blobs.PATH + "/" + id + "?offset=0";
        HttpRequest signed =
                alice.signed("PUT", target, blob).PUT(HttpRequest.BodyPublishers.noBody()).build();
        try (Socket socket = new Socket(relay.url().getHost(), relay.url().getPort())) {
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("PUT " + target + " HTTP/1.1\r\nHost: x\r\n");
            for (String name :
                    List.of(
                            Blobs.ACCOUNT_HEADER,
                            Blobs.DEVICE_HEADER,
                            Blobs.TIME_HEADER,
                            Blobs.SIGNATURE_HEADER)) {
                head.append(name)
                        .append(": ")
                        .append(signed.headers().firstValue(name).get())
                        .append("\r\n");
            }
            head.append("Content-Length: ").append(blob.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(blob, 0, 20_000);
            out.flush();
        }
        // the relay notices the closed connection; the committed offset stays 0
        long offset = -1;
        for (int i = 0; i < 100 && offset != 0; i++) {
            offset = alice.statusOf(id).offset();
        }
        assertEquals(0, offset);
        HttpResponse<String> resumed = retryWhileBusy(() -> alice.put(id, 0, blob));
        assertEquals(200, resumed.statusCode(), resumed.body());
        assertArrayEquals(blob, bob.get(id, null).body());
    }

    @Test
    void anOversizedBlobAndOneOverTheQuotaAreRefused() throws Exception {
        HttpResponse<String> big = alice.create(1_000_001, 0, BOB_1);
        assertEquals(413, big.statusCode());
        assertTrue(big.body().contains("blob-too-large"), big.body());
        alice.createdId(1_000_000, BOB_1);
        alice.createdId(1_000_000, BOB_1);
        HttpResponse<String> over = alice.create(600_000, 0, BOB_1);
        assertEquals(507, over.statusCode());
        assertTrue(over.body().contains("quota-exceeded"), over.body());
        // the quota is per device
        assertEquals(201, alice2.create(600_000, 0, BOB_1).statusCode());
    }

    @Test
    void anExpiredBlobIsGoneAndTheOwnerCanDeleteEarlier() throws Exception {
        String id = alice.createdId(10, BOB_1);
        assertEquals(200, alice.put(id, 0, new byte[10]).statusCode());
        HttpResponse<String> early = alice.create(10, clock.millis() + 60_000, BOB_1);
        String soon = codec.decodeJson(early.body().getBytes(), Blobs.Status.class).id();
        assertEquals(clock.millis() + 60_000, alice.statusOf(soon).expiresAt());
        clock.advance(Duration.ofMinutes(2));
        HttpResponse<byte[]> gone = bob.get(soon, null);
        assertEquals(410, gone.statusCode());
        assertTrue(new String(gone.body(), StandardCharsets.UTF_8).contains("blob-expired"));

        assertEquals(200, alice.delete(id).statusCode());
        assertEquals(404, bob.get(id, null).statusCode());
    }

    @Test
    void aMalformedCreateIsABadRequest() throws Exception {
        HttpResponse<String> r = alice.send("POST", Blobs.PATH, "{\"size\":-1}".getBytes(), null);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("malformed"), r.body());
        HttpResponse<String> noRecipients =
                alice.send("POST", Blobs.PATH, "{\"size\":5,\"recipients\":[]}".getBytes(), null);
        assertEquals(400, noRecipients.statusCode());
        // the connection and the relay are fine afterwards
        assertEquals(201, alice.create(5, 0, BOB_1).statusCode());
    }

    private interface Call {
        HttpResponse<String> run() throws Exception;
    }

    /** The relay may not have seen the cut connection yet: then it answers 409 in progress. */
    private static HttpResponse<String> retryWhileBusy(Call call) throws Exception {
        HttpResponse<String> r = call.run();
        for (int i = 0; i < 200 && r.statusCode() == 409; i++) {
            Thread.onSpinWait();
            r = call.run();
        }
        return r;
    }

    private long blobFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("data").resolve("blobs"))) {
            return files.count();
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @SuppressWarnings("unused")
    private static byte[] readAll(InputStream in) throws Exception {
        return in.readAllBytes();
    }
}
