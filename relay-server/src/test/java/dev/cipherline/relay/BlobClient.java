package dev.cipherline.relay;

import dev.cipherline.protocol.Blobs;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.SignedPayloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

/** Signs blob API requests as one test device, over the JDK's HTTP client. */
final class BlobClient {
    private final URI base;
    private final Vectors.Vector device;
    private final Clock clock;
    private final HttpClient http = HttpClient.newHttpClient();
    private final FrameCodec codec = new FrameCodec();
    long skewMillis;

    BlobClient(URI base, Vectors.Vector device, Clock clock) {
        this.base = base;
        this.device = device;
        this.clock = clock;
    }

    HttpResponse<String> create(long size, long expiresAt, Vectors.Vector... recipients)
            throws Exception {
        List<Blobs.Recipient> list =
                java.util.Arrays.stream(recipients)
                        .map(r -> new Blobs.Recipient(r.accountId(), r.deviceId()))
                        .toList();
        byte[] body = codec.encodeJson(new Blobs.Create(size, expiresAt, list));
        return send("POST", Blobs.PATH, body, null);
    }

    /** Creates a blob for every device of the given accounts (device ID 0). */
    Blobs.Status createForAccounts(long size, String... accounts) throws Exception {
        List<Blobs.Recipient> list =
                java.util.Arrays.stream(accounts).map(a -> new Blobs.Recipient(a, 0)).toList();
        HttpResponse<String> r =
                send("POST", Blobs.PATH, codec.encodeJson(new Blobs.Create(size, 0, list)), null);
        if (r.statusCode() != 201) {
            throw new AssertionError(r.statusCode() + " " + r.body());
        }
        return codec.decodeJson(r.body().getBytes(), Blobs.Status.class);
    }

    String createdId(long size, Vectors.Vector... recipients) throws Exception {
        HttpResponse<String> r = create(size, 0, recipients);
        if (r.statusCode() != 201) {
            throw new AssertionError(r.statusCode() + " " + r.body());
        }
        return codec.decodeJson(r.body().getBytes(), Blobs.Status.class).id();
    }

    HttpResponse<String> put(String id, long offset, byte[] chunk) throws Exception {
        return send("PUT", Blobs.PATH + "/" + id + "?offset=" + offset, chunk, null);
    }

    HttpResponse<String> status(String id) throws Exception {
        return send("GET", Blobs.PATH + "/" + id + "/status", null, null);
    }

    Blobs.Status statusOf(String id) throws Exception {
        HttpResponse<String> r = status(id);
        if (r.statusCode() != 200) {
            throw new AssertionError(r.statusCode() + " " + r.body());
        }
        return codec.decodeJson(r.body().getBytes(), Blobs.Status.class);
    }

    HttpResponse<byte[]> get(String id, String range) throws Exception {
        HttpRequest.Builder b = signed("GET", Blobs.PATH + "/" + id, null);
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> delete(String id) throws Exception {
        return send("DELETE", Blobs.PATH + "/" + id, null, null);
    }

    HttpResponse<String> send(String method, String target, byte[] body, String signAs)
            throws Exception {
        HttpRequest.Builder b = signed(method, target, body);
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder signed(String method, String target, byte[] body) throws Exception {
        long time = clock.millis() + skewMillis;
        byte[] digest =
                method.equals("POST")
                        ? MessageDigest.getInstance("SHA-256").digest(body)
                        : new byte[32];
        byte[] payload =
                SignedPayloads.httpRequest(
                        method,
                        target,
                        time,
                        device.accountId(),
                        device.deviceId(),
                        body == null ? 0 : body.length,
                        digest);
        return HttpRequest.newBuilder(base.resolve(target))
                .header(Blobs.ACCOUNT_HEADER, device.accountId())
                .header(Blobs.DEVICE_HEADER, Integer.toString(device.deviceId()))
                .header(Blobs.TIME_HEADER, Long.toString(time))
                .header(
                        Blobs.SIGNATURE_HEADER,
                        Base64.getEncoder().encodeToString(device.signAuth(payload)));
    }
}
