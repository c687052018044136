package dev.cipherline.sdk.internal.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.RelayTrust;
import dev.cipherline.sdk.internal.registration.Registrar;
import dev.cipherline.sdk.internal.transport.RelayTls;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * A relay's provisioning mailboxes over HTTP ({@code /v1/provisioning}): open one, put its one
 * payload, take it. Each relay error becomes one {@link ChatException} reason.
 */
public final class Mailbox implements AutoCloseable {
    private static final MediaType BYTES = MediaType.get("application/octet-stream");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI relay;
    private final OkHttpClient http;

    /** A client of the mailboxes at {@code relay} (a base URL), checking TLS as {@code trust}. */
    public Mailbox(URI relay, RelayTrust trust) {
        this.relay = relay;
        this.http =
                Registrar.forRelay(List.of(relay), trust, new OkHttpClient.Builder())
                        .connectTimeout(Duration.ofSeconds(10))
                        .readTimeout(Duration.ofSeconds(30))
                        .writeTimeout(Duration.ofSeconds(30))
                        .build();
    }

    /** An opened mailbox: its ID and when it expires (Unix milliseconds). */
    public record Opened(String id, long expiresAt) {}

    /**
     * Opens a mailbox.
     *
     * @throws ChatException RELAY_UNREACHABLE, RELAY_UNTRUSTED, or REJECTED
     */
    public Opened open() {
        JsonNode body =
                json(
                        call(
                                new Request.Builder()
                                        .url(url(""))
                                        .post(RequestBody.create(new byte[0], BYTES))
                                        .build(),
                                201));
        String id = body.path("mailboxId").asText("");
        if (!id.matches("[A-Za-z0-9_-]{22}")) {
            throw new ChatException(
                    ChatException.Reason.REJECTED, "the relay answered with a garbled mailbox ID");
        }
        return new Opened(id, body.path("expiresAt").asLong());
    }

    /**
     * Puts the mailbox's one payload.
     *
     * @throws ChatException LINK_EXPIRED, LINK_USED, RELAY_UNREACHABLE, RELAY_UNTRUSTED or REJECTED
     */
    public void put(String id, byte[] payload) {
        call(
                new Request.Builder()
                        .url(url("/" + id))
                        .put(RequestBody.create(payload, BYTES))
                        .build(),
                200);
    }

    /**
     * Takes the mailbox's payload, if it holds one yet.
     *
     * @return the payload, or empty if none was put yet
     * @throws ChatException LINK_EXPIRED, LINK_USED, RELAY_UNREACHABLE, RELAY_UNTRUSTED or REJECTED
     */
    public Optional<byte[]> take(String id) {
        Request request = new Request.Builder().url(url("/" + id)).get().build();
        try (Response response = http.newCall(request).execute()) {
            byte[] bytes = bytes(response);
            if (response.code() == 200) {
                return Optional.of(bytes);
            }
            if ("provisioning-pending".equals(code(bytes))) {
                return Optional.empty();
            }
            throw refusal(response.code(), bytes);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private byte[] call(Request request, int expected) {
        try (Response response = http.newCall(request).execute()) {
            byte[] bytes = bytes(response);
            if (response.code() != expected) {
                throw refusal(response.code(), bytes);
            }
            return bytes;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private ChatException refusal(int status, byte[] body) {
        String code = code(body);
        if ("provisioning-expired".equals(code)) {
            return new ChatException(
                    ChatException.Reason.LINK_EXPIRED,
                    "the link has expired (a link lasts 10 minutes); start it again on the new"
                            + " device");
        }
        if ("provisioning-used".equals(code)) {
            return new ChatException(
                    ChatException.Reason.LINK_USED,
                    "the link was already used; start it again on the new device");
        }
        if (status == 503 || status == 429) {
            return new ChatException(
                    ChatException.Reason.RELAY_UNREACHABLE,
                    "the relay at " + relay + " cannot open a link now (HTTP " + status + ")");
        }
        return new ChatException(
                ChatException.Reason.REJECTED,
                "the relay refused the link request (HTTP "
                        + status
                        + (code == null ? "" : ", " + code)
                        + ")");
    }

    private ChatException unreachable(IOException e) {
        ChatException refused = RelayTls.refusal(relay, e);
        if (refused != null) {
            return refused;
        }
        return new ChatException(
                ChatException.Reason.RELAY_UNREACHABLE,
                "cannot reach the relay at " + relay + ": " + e.getMessage(),
                e);
    }

    private String url(String rest) {
        return relay.toString().replaceAll("/+$", "") + "/v1/provisioning" + rest;
    }

    private static byte[] bytes(Response response) throws IOException {
        ResponseBody body = response.body();
        return body == null ? new byte[0] : body.bytes();
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ChatException(
                    ChatException.Reason.REJECTED, "the relay answered with a malformed body");
        }
    }

    private static String code(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null || !node.has("code") ? null : node.get("code").asText();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
