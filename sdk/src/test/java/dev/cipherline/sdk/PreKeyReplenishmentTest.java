package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cipherline.crypto.DeviceAuthKey;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolVersion;
import dev.cipherline.protocol.SignedPayloads;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Other users drain a device's one-time prekeys through a real relay; the device tops them up the
 * next time it connects, and no one-time prekey is ever handed out twice.
 */
class PreKeyReplenishmentTest {
    private static final int INITIAL = 100;

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

    @Test
    void aDrainedDeviceTopsUpItsOneTimePreKeysWhenItConnects() throws Exception {
        ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob");
        String bobId = bob.accountId().value();
        Set<Integer> handedOut = new HashSet<>();

        try (RawDevice alice = RawDevice.connect(relay.url(), dir.resolve("alice"))) {
            for (int i = 0; i < INITIAL - 15; i++) {
                Integer id = alice.fetchOneTimePreKeyId(bobId, "drain-" + i);
                assertTrue(id != null && handedOut.add(id), "one-time prekey handed out twice");
            }
        }
        try (RawDevice self = RawDevice.connect(relay.url(), dir.resolve("bob"))) {
            assertEquals(
                    new Frame.PreKeyCount("c1", 15, 15), self.call(new Frame.GetPreKeyCount("c1")));
        }

        try (ChatClient client =
                ChatClient.builder()
                        .home(dir.resolve("bob"))
                        .listener(new ChatListener() {})
                        .build()) {
            client.synced().get(30, TimeUnit.SECONDS);
            // the top-up runs on the client's own thread after synced; fetch until fresh keys show
            try (RawDevice alice = RawDevice.connect(relay.url(), dir.resolve("alice"))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                int fresh = 0;
                for (int i = 0; fresh < 20; i++) {
                    Integer id = alice.fetchOneTimePreKeyId(bobId, "after-" + i);
                    if (id != null) {
                        assertTrue(handedOut.add(id), "one-time prekey handed out twice");
                        fresh += id > INITIAL ? 1 : 0;
                    } else if (System.nanoTime() > deadline) {
                        fail("bob never uploaded new one-time prekeys");
                    } else {
                        TimeUnit.MILLISECONDS.sleep(50);
                    }
                }
            }
        }
    }

    /** A device speaking frames by hand with the keys from an SDK home. */
    private static final class RawDevice implements AutoCloseable, WebSocket.Listener {
        private final FrameCodec codec = new FrameCodec();
        private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private WebSocket socket;

        static RawDevice connect(URI relay, Path home) throws Exception {
            LocalIdentity me;
            try (Database db = Database.openUnprotected(home)) {
                me = new IdentityStore(db).load().orElseThrow();
            }
            RawDevice device = new RawDevice();
            URI ws = URI.create(relay.toString().replaceFirst("^http", "ws") + "/v1/websocket");
            device.socket =
                    HttpClient.newHttpClient()
                            .newWebSocketBuilder()
                            .buildAsync(ws, device)
                            .get(10, TimeUnit.SECONDS);
            Frame.Challenge challenge = assertInstanceOf(Frame.Challenge.class, device.next());
            byte[] signature =
                    DeviceAuthKey.fromPrivateBytes(me.authPrivateKey())
                            .sign(
                                    SignedPayloads.auth(
                                            challenge.nonce(), me.accountId(), me.deviceId()));
            device.send(
                    new Frame.Auth(
                            ProtocolVersion.CURRENT, me.accountId(), me.deviceId(), signature));
            assertInstanceOf(Frame.AuthOk.class, device.next());
            assertInstanceOf(Frame.Synced.class, device.next());
            return device;
        }

        /** Fetches the account's bundle; returns its one-time EC prekey ID, or null if none. */
        Integer fetchOneTimePreKeyId(String account, String requestId) throws Exception {
            Frame.Bundles bundles =
                    assertInstanceOf(
                            Frame.Bundles.class, call(new Frame.GetBundles(requestId, account)));
            Frame.PreKey oneTime = bundles.devices().get(0).oneTimePreKey();
            return oneTime == null ? null : oneTime.id();
        }

        Frame call(Frame request) throws Exception {
            send(request);
            return next();
        }

        private void send(Frame frame) throws Exception {
            socket.sendBinary(ByteBuffer.wrap(codec.encodeBinary(frame)), true)
                    .get(10, TimeUnit.SECONDS);
        }

        private Frame next() throws Exception {
            Frame frame = frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no answer from the relay");
            }
            return frame;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                try {
                    frames.add(codec.decodeBinary(partial.toByteArray()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
