package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one deadline before authentication, over real sockets: a silent socket, a request dripped a
 * byte at a time, and an upgraded WebSocket that never authenticates are all closed when it passes,
 * and a small connection cap they filled frees up for a well-behaved client. Unfinished connections
 * count against their address's rate limit. The deadline is short here (the default is 10 s); no
 * test asserts how long anything took, only what happened.
 */
class PreAuthDeadlineTest {
    private static final Duration DEADLINE = Duration.ofMillis(700);

    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();
    private final List<Socket> sockets = new ArrayList<>();
    private RelayServer relay;

    private RelayServer start(AbuseLimits abuse) throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("data"),
                                        Duration.ofDays(30),
                                        1000,
                                        64)
                                .withAbuse(abuse.withAuthTimeout(DEADLINE)),
                        Clock.systemUTC());
        return relay;
    }

    private static AbuseLimits limits(String addressRate, int maxConnections, boolean loopback) {
        return new AbuseLimits(
                AbuseLimits.Rate.parse("1000/s"),
                AbuseLimits.Rate.parse(addressRate),
                maxConnections,
                Duration.ofSeconds(30),
                loopback);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private Socket open() throws IOException {
        URI url = relay.url();
        Socket socket = new Socket(url.getHost(), url.getPort());
        // far beyond the deadline, far below the two-minute idle sweep that used to close these
        socket.setSoTimeout(20_000);
        sockets.add(socket);
        return socket;
    }

    /** Reads until the relay closes the connection; returns what it sent before. */
    private static String readToClose(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[1024];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketException e) {
            // a reset is a close too
        }
        return seen.toString();
    }

    /** Writes a request head one byte at a time, never finishing it, until the relay closes. */
    private static Thread drip(Socket socket, AtomicBoolean closed) {
        Thread t =
                new Thread(
                        () -> {
                            byte[] head =
                                    ("GET /v1/websocket HTTP/1.1\r\nHost: relay\r\n"
                                                    + "Upgrade: websocket\r\nX-Drip: "
                                                    + "a".repeat(10_000))
                                            .getBytes(StandardCharsets.US_ASCII);
                            try {
                                OutputStream out = socket.getOutputStream();
                                for (byte b : head) {
                                    out.write(b);
                                    out.flush();
                                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                                }
                            } catch (IOException e) {
                                closed.set(true);
                            }
                        },
                        "dripper");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aSilentSocketIsClosedAtTheDeadline() throws Exception {
        start(AbuseLimits.DEFAULT);
        Socket silent = open();
        assertEquals("", readToClose(silent), "closed without a word");
    }

    @Test
    void aDrippingRequestIsClosedAtTheDeadline() throws Exception {
        start(AbuseLimits.DEFAULT);
        Socket dripping = open();
        AtomicBoolean writeFailed = new AtomicBoolean();
        Thread dripper = drip(dripping, writeFailed);
        assertEquals("", readToClose(dripping));
        dripper.join(TimeUnit.SECONDS.toMillis(20));
        assertTrue(writeFailed.get(), "the dripper's writes failed once the relay closed");
    }

    @Test
    void anUpgradedConnectionThatNeverAuthenticatesIsClosedWith4002() throws Exception {
        start(AbuseLimits.DEFAULT);
        try (WsClient client = new WsClient(relay.url())) {
            client.expect(Frame.Challenge.class);
            assertEquals(CloseCodes.AUTH_TIMEOUT, client.closeCode());
        }
    }

    @Test
    void anAuthenticatedConnectionOutlivesTheDeadline() throws Exception {
        start(AbuseLimits.DEFAULT);
        relayRegister();
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            bob.expect(Frame.Synced.class);
            // well past the deadline, the connection still answers
            LockSupport.parkNanos(DEADLINE.multipliedBy(3).toNanos());
            bob.send(new Frame.GetPreKeyCount("r1"));
            assertInstanceOf(Frame.PreKeyCount.class, bob.next());
        }
    }

    @Test
    void silentAndDrippingSocketsDoNotLockAWellBehavedClientOutOfASmallCap() throws Exception {
        start(limits("1000/s", 4, false));
        relayRegister();
        List<Socket> bad = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            bad.add(open());
            Socket dripping = open();
            drip(dripping, new AtomicBoolean());
            bad.add(dripping);
        }
        awaitTrue("the cap is full", () -> relay.openConnections() >= 4);

        // a client that retries with backoff gets in once the deadline has freed the slots
        WsClient bob = null;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (bob == null && System.nanoTime() < giveUp) {
            try {
                bob = WsClient.authenticated(relay.url(), BOB_1);
            } catch (Exception refusedOverTheCap) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        assertTrue(bob != null, "the well-behaved client never got in");
        try (WsClient connected = bob) {
            connected.expect(Frame.Synced.class);
        }
        for (Socket s : bad) {
            assertEquals("", readToClose(s), "every bad socket was closed");
        }
    }

    @Test
    void unfinishedConnectionsCountAgainstTheirAddress() throws Exception {
        start(limits("3/h", 100, true));
        for (int i = 0; i < 3; i++) {
            open(); // three sockets that never send a byte
        }
        // the relay takes their tokens when it accepts them, on its own threads: wait for that, or
        // the request below may be accepted first and take one of the three
        awaitTrue("the three sockets are accepted", () -> relay.openConnections() >= 3);
        HttpResponse<String> refused =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(relay.url().resolve("/v1/websocket"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("rate-limited"), refused.body());
    }

    private void relayRegister() throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                                        .POST(
                                                HttpRequest.BodyPublishers.ofByteArray(
                                                        codec.encodeJson(BOB_1.registration(2))))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
