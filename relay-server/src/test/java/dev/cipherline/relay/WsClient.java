package dev.cipherline.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolVersion;
import dev.cipherline.protocol.SignedPayloads;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client speaking frames to an in-process relay, recording what it receives. */
final class WsClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final FrameCodec codec = new FrameCodec();
    private final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private boolean text;

    WsClient(URI relay) throws Exception {
        this(relay, null);
    }

    /** Connects asking for the WebSocket subprotocol {@code subprotocol} (null: none). */
    WsClient(URI relay, String subprotocol) throws Exception {
        URI ws = URI.create(relay.toString().replaceFirst("^http", "ws") + "/v1/websocket");
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        socket = builder.buildAsync(ws, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** The subprotocol the relay chose at the upgrade, empty if none. */
    String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Connects and authenticates as {@code device}; returns after {@code auth-ok}. */
    static WsClient authenticated(URI relay, Vectors.Vector device) throws Exception {
        WsClient client = new WsClient(relay);
        Frame.Challenge challenge = client.expect(Frame.Challenge.class);
        client.send(client.authFor(challenge, device));
        client.expect(Frame.AuthOk.class);
        return client;
    }

    Frame.Auth authFor(Frame.Challenge challenge, Vectors.Vector device) {
        byte[] payload =
                SignedPayloads.auth(challenge.nonce(), device.accountId(), device.deviceId());
        return new Frame.Auth(
                ProtocolVersion.CURRENT,
                device.accountId(),
                device.deviceId(),
                device.signAuth(payload));
    }

    /** Sends frames as JSON text from now on (binary CBOR by default). */
    WsClient useText() {
        text = true;
        return this;
    }

    void send(Frame frame) throws Exception {
        if (text) {
            sendText(codec.encodeText(frame));
        } else {
            sendBinary(codec.encodeBinary(frame));
        }
    }

    void sendText(String data) throws Exception {
        socket.sendText(data, true).get(10, TimeUnit.SECONDS);
    }

    void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
    }

    /** The next message, raw: a String for text, byte[] for binary. */
    Object nextRaw() throws InterruptedException {
        Object item = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (item == null) {
            throw new AssertionError("no frame from the relay within " + TIMEOUT);
        }
        return item;
    }

    Frame next() throws Exception {
        Object item = nextRaw();
        return item instanceof String s ? codec.decodeText(s) : codec.decodeBinary((byte[]) item);
    }

    <T extends Frame> T expect(Class<T> type) throws Exception {
        return assertInstanceOf(type, next());
    }

    Frame.ErrorFrame expectError(ErrorCode code) throws Exception {
        Frame.ErrorFrame error = expect(Frame.ErrorFrame.class);
        assertEquals(code, error.code(), error.message());
        return error;
    }

    /** Nothing arrives within a short while (used after the last expected frame). */
    boolean quiet(Duration wait) throws InterruptedException {
        return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    int closeCode() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder textBuffer = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            textBuffer.append(data);
            if (last) {
                received.add(textBuffer.toString());
                textBuffer.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                received.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
