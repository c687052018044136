package dev.cipherline.sdk.internal.files;

import dev.cipherline.protocol.Blobs;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.protocol.SignedPayloads;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.LocalDevice;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSink;

/**
 * The relay's blob API over HTTP (docs/PROTOCOL.md, "Blob API"): every request signed with this
 * device's Ed25519 auth key over {@link SignedPayloads#httpRequest}, with the relay's clock learnt
 * from its answers so that a device whose clock is off still signs a time the relay accepts.
 */
final class BlobApi {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final MediaType BYTES = MediaType.get("application/octet-stream");

    private final OkHttpClient http;
    private final List<URI> relayUrls;
    private final LocalDevice self;
    private final UnaryOperator<byte[]> signer;
    private final Clock clock;
    private final FrameCodec codec = new FrameCodec();
    private volatile long skewMillis;

    BlobApi(
            OkHttpClient http,
            List<URI> relayUrls,
            LocalDevice self,
            UnaryOperator<byte[]> signer,
            Clock clock) {
        this.http =
                http.newBuilder()
                        .pingInterval(Duration.ZERO)
                        .readTimeout(Duration.ofSeconds(60))
                        .writeTimeout(Duration.ofSeconds(60))
                        .build();
        this.relayUrls = relayUrls;
        this.self = self;
        this.signer = signer;
        this.clock = clock;
    }

    /** An answer of the relay that is not the one asked for. */
    static final class RelayRefusal extends IOException {
        final int status;
        final ErrorCode code;
        final long offset;

        RelayRefusal(int status, ErrorCode code, String message, long offset) {
            super(message);
            this.status = status;
            this.code = code;
            this.offset = offset;
        }
    }

    /** Creates a blob of {@code size} bytes that the devices of {@code accounts} may fetch. */
    Blobs.Status create(long size, long expiresAt, List<String> accounts) throws IOException {
        List<Blobs.Recipient> recipients = new java.util.ArrayList<>();
        for (String account : accounts) {
            recipients.add(new Blobs.Recipient(account, 0));
        }
        byte[] body = codec.encodeJson(new Blobs.Create(size, expiresAt, recipients));
        Request request =
                signed("POST", Blobs.PATH, body.length, sha256(body))
                        .post(RequestBody.create(body, JSON))
                        .build();
        return status(request);
    }

    /** Writes bytes {@code from..to-1} of {@code file} at {@code from}; the relay's new state. */
    Blobs.Status put(String id, Path file, long from, long to) throws IOException {
        String target = Blobs.PATH + "/" + id + "?offset=" + from;
        RequestBody chunk =
                new RequestBody() {
                    @Override
                    public MediaType contentType() {
                        return BYTES;
                    }

                    @Override
                    public long contentLength() {
                        return to - from;
                    }

                    @Override
                    public void writeTo(BufferedSink sink) throws IOException {
                        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                            in.seek(from);
                            byte[] buffer = new byte[64 * 1024];
                            long left = to - from;
                            while (left > 0) {
                                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                                if (n < 0) {
                                    throw new IOException("the encrypted copy is shorter");
                                }
                                sink.write(buffer, 0, n);
                                left -= n;
                            }
                        }
                    }
                };
        return status(signed("PUT", target, to - from, new byte[32]).put(chunk).build());
    }

    /** The blob's committed offset and size. */
    Blobs.Status status(String id) throws IOException {
        return status(signed("GET", Blobs.PATH + "/" + id + "/status", 0, new byte[32]).build());
    }

    /**
     * Appends the blob's bytes from {@code from} to {@code out}, updating {@code digest}; returns
     * how many were written (fewer than asked if the connection broke: the caller resumes).
     */
    long download(String id, long from, OutputStream out, MessageDigest digest) throws IOException {
        Request.Builder b = signed("GET", Blobs.PATH + "/" + id, 0, new byte[32]);
        if (from > 0) {
            b.header("Range", "bytes=" + from + "-");
        }
        try (Response response = http.newCall(b.build()).execute()) {
            learnClock(response);
            if (response.code() != 200 && response.code() != 206) {
                throw refusal(response);
            }
            if (from > 0 && response.code() != 206) {
                throw new IOException("the relay ignored the range");
            }
            ResponseBody body = response.body();
            long n = 0;
            try (InputStream in = body.byteStream()) {
                byte[] buffer = new byte[64 * 1024];
                for (int r; (r = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, r);
                    digest.update(buffer, 0, r);
                    n += r;
                }
            } catch (IOException e) {
                // what arrived is kept; the caller asks for the rest
                return n;
            }
            return n;
        }
    }

    /** Deletes the blob (its uploader) or releases it (a recipient that has it). */
    void delete(String id) throws IOException {
        Request request = signed("DELETE", Blobs.PATH + "/" + id, 0, new byte[32]).delete().build();
        try (Response response = http.newCall(request).execute()) {
            learnClock(response);
            if (response.code() != 200 && response.code() != 404) {
                throw refusal(response);
            }
        }
    }

    private Blobs.Status status(Request request) throws IOException {
        try (Response response = http.newCall(request).execute()) {
            learnClock(response);
            if (response.code() != 200 && response.code() != 201) {
                throw refusal(response);
            }
            try {
                return codec.decodeJson(response.body().bytes(), Blobs.Status.class);
            } catch (ProtocolException e) {
                throw new IOException("the relay answered with a malformed body", e);
            }
        }
    }

    private RelayRefusal refusal(Response response) throws IOException {
        byte[] bytes = response.body() == null ? new byte[0] : response.body().bytes();
        ErrorCode code = null;
        String message = "HTTP " + response.code();
        long offset = -1;
        try {
            java.util.Map<?, ?> map = codec.decodeJson(bytes, java.util.Map.class);
            Object c = map.get("code");
            code = c == null ? null : ErrorCode.fromCode(c.toString());
            Object m = map.get("message");
            message = m == null ? message : m.toString();
            Object o = map.get("offset");
            offset = o instanceof Number n ? n.longValue() : -1;
        } catch (ProtocolException | RuntimeException e) {
            // not a JSON error: the status says enough
        }
        return new RelayRefusal(response.code(), code, message, offset);
    }

    private void learnClock(Response response) {
        String time = response.header(Blobs.TIME_HEADER);
        if (time != null) {
            try {
                skewMillis = Long.parseLong(time.trim()) - clock.millis();
            } catch (NumberFormatException e) {
                // keep the last one
            }
        }
    }

    private Request.Builder signed(String method, String target, long length, byte[] digest) {
        long time = clock.millis() + skewMillis;
        byte[] payload =
                SignedPayloads.httpRequest(
                        method, target, time, self.account(), self.device(), length, digest);
        String base = relayUrls.get(0).toString().replaceAll("/+$", "");
        return new Request.Builder()
                .url(base + target)
                .header(Blobs.ACCOUNT_HEADER, self.account())
                .header(Blobs.DEVICE_HEADER, Integer.toString(self.device()))
                .header(Blobs.TIME_HEADER, Long.toString(time))
                .header(
                        Blobs.SIGNATURE_HEADER,
                        java.util.Base64.getEncoder().encodeToString(signer.apply(payload)));
    }

    static byte[] sha256(byte[] bytes) {
        MessageDigest d = newDigest();
        d.update(bytes);
        return d.digest();
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A refusal as the app hears it. */
    static ChatException toChat(RelayRefusal r, String what) {
        ChatException.Reason reason;
        String message;
        if (r.code == ErrorCode.BLOB_TOO_LARGE) {
            reason = ChatException.Reason.FILE_TOO_LARGE;
            message = "the relay refused the file: " + r.getMessage();
        } else if (r.code == ErrorCode.QUOTA_EXCEEDED) {
            reason = ChatException.Reason.QUOTA_EXCEEDED;
            message = r.getMessage();
        } else if (r.code == ErrorCode.BLOB_EXPIRED || r.status == 404) {
            reason = ChatException.Reason.FILE_UNAVAILABLE;
            message =
                    "the file is no longer on the relay (it expired, or every device fetched it"
                            + " already)";
        } else if (r.code == ErrorCode.AUTH_FAILED || r.code == ErrorCode.AUTH_REQUIRED) {
            reason = ChatException.Reason.AUTH_FAILED;
            message = "the relay refused this device's signature: " + r.getMessage();
        } else {
            reason =
                    r.status >= 500 || (r.code != null && r.code.retryable())
                            ? ChatException.Reason.RELAY_UNREACHABLE
                            : ChatException.Reason.REJECTED;
            message = what + " failed: " + r.getMessage();
        }
        return new ChatException(reason, message, r);
    }
}
