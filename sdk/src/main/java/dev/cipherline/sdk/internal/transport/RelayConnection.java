package dev.cipherline.sdk.internal.transport;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.protocol.ProtocolVersion;
import dev.cipherline.protocol.SignedPayloads;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.internal.Compat;
import dev.cipherline.sdk.internal.Log;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * The client's WebSocket to its relay: connects, answers the challenge, correlates requests with
 * responses, and reconnects with backoff until closed or refused.
 *
 * <p>Threading: OkHttp's callbacks only hand work to {@code inbound}, a single-threaded executor,
 * so connection state, frame handling and the {@link Handler} calls all happen on that one thread
 * in arrival order. {@link #request} and {@link #sendOneWay} may be called from any thread.
 *
 * <p>Why one class of about 450 lines: the socket's generation counter, its state, the pending
 * requests and the reconnect timer are one piece of state that every callback reads and changes
 * under one lock; split, each part would need the others' internals.
 */
public final class RelayConnection {
    private static final Log LOG = Log.get(RelayConnection.class.getName());

    /** What the connection tells its owner; every method is called on the inbound thread. */
    public interface Handler {
        /** The connection moved to a new state. */
        void onState(ConnectionState state);

        /** Authentication succeeded: requests may be sent. */
        void onAuthenticated();

        /** A frame that is not the answer to a request: deliver, synced, or an unmatched error. */
        void onFrame(Frame frame);

        /** The connection stopped for good (auth refused, replaced, no common version). */
        void onStopped(ChatException reason);

        /**
         * The relay's certificate was refused (RELAY_UNTRUSTED); the connection keeps trying with
         * backoff. Called once per distinct refusal until a connection succeeds.
         */
        void onRefused(ChatException reason);
    }

    /** The path of the relay's WebSocket under its base URL. */
    public static final String WEBSOCKET_PATH = "/v1/websocket";

    private final OkHttpClient http;
    private final List<URI> relayUrls;
    private final List<URI> webSocketUrls;
    private final String accountId;
    private final int deviceId;
    private final UnaryOperator<byte[]> authSigner;
    private final FrameCodec codec;
    private final Backoff backoff;
    private final ScheduledExecutorService timer;
    private final Executor inbound;
    private final Handler handler;
    private final Map<String, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();

    // guarded by this
    private WebSocket socket;
    private int generation;
    private ConnectionState state = ConnectionState.DISCONNECTED;
    private int failures;
    private boolean stopped;
    private ScheduledFuture<?> reconnect;
    private int current;
    private String lastRefusal;

    /**
     * A connection that is not started yet.
     *
     * @param authSigner signs the auth payload with the device auth key
     */
    public RelayConnection(
            OkHttpClient http,
            List<URI> relayUrls,
            String accountId,
            int deviceId,
            UnaryOperator<byte[]> authSigner,
            FrameCodec codec,
            Backoff backoff,
            ScheduledExecutorService timer,
            Executor inbound,
            Handler handler) {
        this.http = http;
        this.relayUrls = List.copyOf(relayUrls);
        this.webSocketUrls =
                relayUrls.stream().map(RelayConnection::webSocketUrl).collect(Compat.toList());
        this.accountId = accountId;
        this.deviceId = deviceId;
        this.authSigner = authSigner;
        this.codec = codec;
        this.backoff = backoff;
        this.timer = timer;
        this.inbound = inbound;
        this.handler = handler;
    }

    /** The WebSocket URL of a relay's HTTP base URL: scheme ws/wss, path /v1/websocket. */
    public static URI webSocketUrl(URI relayUrl) {
        String scheme = "https".equalsIgnoreCase(relayUrl.getScheme()) ? "wss" : "ws";
        String base = relayUrl.toString().substring(relayUrl.getScheme().length());
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(scheme + base + WEBSOCKET_PATH);
    }

    /** Starts connecting in the background. */
    public void start() {
        inbound.execute(this::connect);
    }

    /** The current state. */
    public synchronized ConnectionState state() {
        return state;
    }

    /**
     * Sends a request and returns a future for its answer: the frame answering {@code key} ({@code
     * "msg:" + clientMsgId} or {@code "req:" + requestId}), which may be an {@link
     * Frame.ErrorFrame}. Fails with RELAY_UNREACHABLE if not connected or the connection drops,
     * TIMEOUT after {@code timeout}, CLOSED on close.
     */
    public CompletableFuture<Frame> request(Frame frame, String key, Duration timeout) {
        CompletableFuture<Frame> future = new CompletableFuture<>();
        byte[] bytes = codec.encodeBinary(frame);
        synchronized (this) {
            if (state != ConnectionState.CONNECTED || socket == null) {
                future.completeExceptionally(notConnected());
                return future;
            }
            CompletableFuture<Frame> previous = pending.put(key, future);
            if (previous != null) {
                previous.completeExceptionally(
                        new ChatException(
                                ChatException.Reason.RELAY_UNREACHABLE,
                                "the request was superseded"));
            }
            if (!socket.send(ByteString.of(bytes))) {
                pending.remove(key, future);
                future.completeExceptionally(notConnected());
                return future;
            }
        }
        ScheduledFuture<?> timeoutTask =
                timer.schedule(
                        () -> {
                            if (pending.remove(key, future)) {
                                future.completeExceptionally(
                                        new ChatException(
                                                ChatException.Reason.TIMEOUT,
                                                "the relay did not answer in time"));
                            }
                        },
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
        future.whenComplete((f, e) -> timeoutTask.cancel(false));
        return future;
    }

    /** Sends a frame that has no answer (e.g. ack); returns false if not connected. */
    public synchronized boolean sendOneWay(Frame frame) {
        if (state != ConnectionState.CONNECTED || socket == null) {
            return false;
        }
        return socket.send(ByteString.of(codec.encodeBinary(frame)));
    }

    /** Closes the connection for good; idempotent. */
    public void close() {
        WebSocket toClose;
        synchronized (this) {
            if (state == ConnectionState.CLOSED) {
                return;
            }
            stopped = true;
            generation++;
            toClose = socket;
            socket = null;
            if (reconnect != null) {
                reconnect.cancel(false);
            }
            state = ConnectionState.CLOSED;
        }
        if (toClose != null) {
            toClose.close(CloseCodes.NORMAL, "client closed");
        }
        failPending(new ChatException(ChatException.Reason.CLOSED, "the client is closed"));
    }

    private void connect() {
        int gen;
        URI url;
        synchronized (this) {
            if (stopped) {
                return;
            }
            gen = ++generation;
            reconnect = null;
            url = webSocketUrls.get(current);
        }
        setState(gen, ConnectionState.CONNECTING);
        Request request = new Request.Builder().url(url.toString()).build();
        WebSocket ws = http.newWebSocket(request, new Listener(gen));
        synchronized (this) {
            if (gen == generation) {
                socket = ws;
                return;
            }
        }
        ws.cancel();
    }

    private void setState(int gen, ConnectionState next) {
        synchronized (this) {
            if (gen != generation || stopped || state == next) {
                return;
            }
            state = next;
        }
        handler.onState(next);
    }

    private void onBinary(int gen, byte[] data) {
        synchronized (this) {
            if (gen != generation) {
                return;
            }
        }
        Frame frame;
        try {
            frame = codec.decodeBinary(data);
        } catch (ProtocolException e) {
            LOG.log(
                    Log.Level.WARNING,
                    "ignoring a malformed frame from the relay: {0}",
                    e.getMessage());
            return;
        }
        if (frame instanceof Frame.Challenge challenge) {
            answer(gen, challenge);
        } else if (frame instanceof Frame.AuthOk) {
            synchronized (this) {
                failures = 0;
                lastRefusal = null;
            }
            setState(gen, ConnectionState.CONNECTED);
            handler.onAuthenticated();
        } else if (frame instanceof Frame.Accepted f) {
            complete("msg:" + f.clientMsgId(), frame);
        } else if (frame instanceof Frame.MismatchedDevices f) {
            complete("msg:" + f.clientMsgId(), frame);
        } else if (frame instanceof Frame.Bundles f) {
            complete("req:" + f.requestId(), frame);
        } else if (frame instanceof Frame.PreKeyCount f) {
            complete("req:" + f.requestId(), frame);
        } else if (frame instanceof Frame.Devices f) {
            complete("req:" + f.requestId(), frame);
        } else if (frame instanceof Frame.Ok f) {
            complete("req:" + f.requestId(), frame);
        } else if (frame instanceof Frame.ErrorFrame f) {
            onError(gen, f);
        } else {
            handler.onFrame(frame);
        }
    }

    private void answer(int gen, Frame.Challenge challenge) {
        if (!challenge.versions().contains(ProtocolVersion.CURRENT)) {
            stop(
                    gen,
                    new ChatException(
                            ChatException.Reason.REJECTED,
                            "the relay does not speak protocol version "
                                    + ProtocolVersion.CURRENT));
            return;
        }
        setState(gen, ConnectionState.AUTHENTICATING);
        byte[] signature =
                authSigner.apply(SignedPayloads.auth(challenge.nonce(), accountId, deviceId));
        Frame auth = new Frame.Auth(ProtocolVersion.CURRENT, accountId, deviceId, signature);
        synchronized (this) {
            if (gen == generation && socket != null) {
                socket.send(ByteString.of(codec.encodeBinary(auth)));
            }
        }
    }

    private void onError(int gen, Frame.ErrorFrame error) {
        if (error.code() == ErrorCode.AUTH_FAILED) {
            stop(
                    gen,
                    new ChatException(
                            ChatException.Reason.AUTH_FAILED,
                            "the relay refused this device's authentication: " + error.message()));
            return;
        }
        if (error.ref() != null
                && (complete("msg:" + error.ref(), error)
                        || complete("req:" + error.ref(), error))) {
            return;
        }
        handler.onFrame(error);
    }

    private boolean complete(String key, Frame frame) {
        CompletableFuture<Frame> future = pending.remove(key);
        if (future == null) {
            return false;
        }
        future.complete(frame);
        return true;
    }

    private void closedByRelay(int gen, int code, String reason) {
        if (code == CloseCodes.AUTH_FAILED) {
            stop(
                    gen,
                    new ChatException(
                            ChatException.Reason.AUTH_FAILED,
                            "the relay refused this device's authentication"));
        } else if (code == CloseCodes.REMOVED) {
            stop(
                    gen,
                    new ChatException(
                            ChatException.Reason.DEVICE_REMOVED,
                            "this device was removed from its account; link it again to use it"));
        } else if (code == CloseCodes.REPLACED) {
            stop(
                    gen,
                    new ChatException(
                            ChatException.Reason.REJECTED,
                            "another connection of this device replaced this one"));
        } else if (code == CloseCodes.UNSUPPORTED_VERSION) {
            stop(
                    gen,
                    new ChatException(
                            ChatException.Reason.REJECTED,
                            "the relay does not speak protocol version "
                                    + ProtocolVersion.CURRENT));
        } else {
            LOG.log(Log.Level.DEBUG, "connection closed: {0} {1}", code, reason);
            lost(gen);
        }
    }

    /**
     * A connection attempt or an open connection failed. A refused certificate is told to the owner
     * (once while it stays the same) before reconnecting as after any failure: the operator may be
     * renewing it, and a cluster's next node may present a good one.
     */
    private void failed(int gen, Throwable failure) {
        URI relay;
        synchronized (this) {
            if (gen != generation || stopped) {
                return;
            }
            relay = relayUrls.get(current);
        }
        ChatException refused = RelayTls.refusal(relay, failure);
        if (RelayTls.isRefusal(refused)) {
            boolean fresh;
            synchronized (this) {
                fresh = !refused.getMessage().equals(lastRefusal);
                lastRefusal = refused.getMessage();
            }
            if (fresh) {
                LOG.log(Log.Level.WARNING, refused.getMessage());
                handler.onRefused(refused);
            }
        }
        lost(gen);
    }

    /** The connection broke: fail its requests and schedule a reconnect. */
    private void lost(int gen) {
        Duration delay;
        synchronized (this) {
            if (gen != generation || stopped) {
                return;
            }
            generation++;
            socket = null;
            state = ConnectionState.DISCONNECTED;
            delay = backoff.delay(failures++);
            // a cluster's nodes share one store: the next node serves this device as well, so a
            // failed or lost node is left for the next one, round the list
            current = (current + 1) % webSocketUrls.size();
            reconnect =
                    timer.schedule(
                            () -> {
                                try {
                                    inbound.execute(this::connect);
                                } catch (RejectedExecutionException e) {
                                    // the client is closing
                                }
                            },
                            delay.toMillis(),
                            TimeUnit.MILLISECONDS);
        }
        failPending(notConnected());
        handler.onState(ConnectionState.DISCONNECTED);
    }

    /** The relay refused this device: stop reconnecting and tell the owner why. */
    private void stop(int gen, ChatException reason) {
        WebSocket toClose;
        synchronized (this) {
            if (gen != generation || stopped) {
                return;
            }
            stopped = true;
            generation++;
            toClose = socket;
            socket = null;
            state = ConnectionState.DISCONNECTED;
        }
        if (toClose != null) {
            toClose.cancel();
        }
        failPending(reason);
        handler.onState(ConnectionState.DISCONNECTED);
        handler.onStopped(reason);
    }

    private void failPending(ChatException reason) {
        for (String key : pending.keySet()) {
            CompletableFuture<Frame> future = pending.remove(key);
            if (future != null) {
                future.completeExceptionally(reason);
            }
        }
    }

    private static ChatException notConnected() {
        return new ChatException(
                ChatException.Reason.RELAY_UNREACHABLE, "not connected to the relay");
    }

    /** Hands every OkHttp callback of one socket to the inbound thread, tagged by generation. */
    private final class Listener extends WebSocketListener {
        private final int gen;

        Listener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            post(() -> setState(gen, ConnectionState.AUTHENTICATING));
        }

        @Override
        public void onMessage(WebSocket webSocket, ByteString bytes) {
            byte[] data = bytes.toByteArray();
            post(() -> onBinary(gen, data));
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            LOG.log(Log.Level.WARNING, "ignoring a text frame from the relay");
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            webSocket.close(CloseCodes.NORMAL, null);
            post(() -> closedByRelay(gen, code, reason));
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            LOG.log(Log.Level.DEBUG, "connection failed: {0}", t.toString());
            post(() -> failed(gen, t));
        }

        private void post(Runnable task) {
            try {
                inbound.execute(task);
            } catch (RejectedExecutionException e) {
                // the client is closing; close() already let go of this socket
            }
        }
    }
}
