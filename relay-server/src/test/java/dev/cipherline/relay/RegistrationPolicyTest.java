package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.ALICE_2;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Registration;
import dev.cipherline.relay.internal.admin.AdminToken;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may register, on a whole relay: invites made through the admin API and used by real
 * registrations over HTTP; closed and open policies.
 */
class RegistrationPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(java.time.Instant.now());
    private RelayServer relay;
    private String token;

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
                                .withOperations(
                                        new Operations("127.0.0.1", 0, RegistrationPolicy.INVITE)),
                        clock);
        token = AdminToken.read(dir.resolve("data").resolve(AdminToken.FILE_NAME));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private HttpResponse<String> register(Registration registration) throws Exception {
        return http.send(
                HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                        .POST(
                                HttpRequest.BodyPublishers.ofByteArray(
                                        codec.encodeJson(registration)))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(ErrorCode code, HttpResponse<String> response)
            throws Exception {
        assertEquals(403, response.statusCode(), response.body());
        Registration.HttpError error =
                new FrameCodec()
                        .decodeJson(
                                response.body().getBytes(StandardCharsets.UTF_8),
                                Registration.HttpError.class);
        assertEquals(code, error.code());
    }

    private JsonNode admin(String method, String path, String body) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(relay.adminUrl().resolve(path))
                                .method(
                                        method,
                                        body == null
                                                ? HttpRequest.BodyPublishers.noBody()
                                                : HttpRequest.BodyPublishers.ofString(body))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, response.statusCode() + " " + response.body());
        return JSON.readTree(response.body());
    }

    @Test
    void aSingleUseInviteRegistersOneDeviceThenIsUsed() throws Exception {
        assertRefused(ErrorCode.INVITE_INVALID, register(ALICE_1.registration(1)));
        assertRefused(
                ErrorCode.INVITE_INVALID,
                register(ALICE_1.registration(1).withInvite("not-an-invite-of-this-relay")));

        JsonNode invite =
                admin("POST", "/v1/admin/invites", "{\"uses\":1,\"expiresInSeconds\":3600}");
        String secret = invite.get("token").asText();
        assertEquals(1, invite.get("usesLeft").asInt());

        assertEquals(201, register(ALICE_1.registration(1).withInvite(secret)).statusCode());
        assertRefused(ErrorCode.INVITE_USED, register(BOB_1.registration(1).withInvite(secret)));

        JsonNode listed = admin("GET", "/v1/admin/invites", null).get("invites").get(0);
        assertEquals(invite.get("id").asText(), listed.get("id").asText());
        assertEquals(0, listed.get("usesLeft").asInt());
        assertFalse(listed.has("token"), "a listing never shows the token");
        assertFalse(
                admin("GET", "/v1/admin/invites", null).toString().contains(secret),
                "nor anywhere else");
    }

    @Test
    void anExpiredOrRevokedInviteIsRefusedAndARefusalTakesNoUse() throws Exception {
        JsonNode expiring =
                admin("POST", "/v1/admin/invites", "{\"uses\":5,\"expiresInSeconds\":60}");
        JsonNode revoked =
                admin("POST", "/v1/admin/invites", "{\"uses\":5,\"expiresInSeconds\":3600}");
        admin("DELETE", "/v1/admin/invites/" + revoked.get("id").asText(), null);
        assertRefused(
                ErrorCode.INVITE_INVALID,
                register(ALICE_1.registration(1).withInvite(revoked.get("token").asText())));

        clock.advance(Duration.ofSeconds(61));
        assertRefused(
                ErrorCode.INVITE_EXPIRED,
                register(ALICE_1.registration(1).withInvite(expiring.get("token").asText())));
        JsonNode listed = admin("GET", "/v1/admin/invites", null).get("invites");
        assertEquals(1, listed.size(), "the revoked one is gone");
        assertEquals(5, listed.get(0).get("usesLeft").asInt());
        assertTrue(listed.get(0).get("expired").asBoolean());
    }

    @Test
    void aClosedRelayRefusesEveryoneAndAnOpenOneNeedsNoInvite() throws Exception {
        relay.setRegistration(RegistrationPolicy.CLOSED);
        JsonNode invite =
                admin("POST", "/v1/admin/invites", "{\"uses\":1,\"expiresInSeconds\":3600}");
        assertRefused(
                ErrorCode.REGISTRATION_CLOSED,
                register(ALICE_1.registration(1).withInvite(invite.get("token").asText())));
        relay.setRegistration(RegistrationPolicy.OPEN);
        assertEquals(201, register(ALICE_2.registration(1)).statusCode());
        assertEquals("open", admin("GET", "/v1/admin/status", null).get("registration").asText());
    }

    @Test
    void anInviteOfTheWrongFormIsAMalformedRegistration() throws Exception {
        byte[] body = codec.encodeJson(ALICE_1.registration(1).withInvite("placeholder"));
        String json =
                new String(body, StandardCharsets.UTF_8)
                        .replace("\"placeholder\"", "\"not an invite!\"");
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .header("Content-Type", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("malformed-frame"), response.body());
    }

    @Test
    void aBadInviteRequestIsAClearError() throws Exception {
        for (String body :
                new String[] {
                    "{\"uses\":0,\"expiresInSeconds\":60}",
                    "{\"uses\":1,\"expiresInSeconds\":0}",
                    "{\"uses\":1.5,\"expiresInSeconds\":60}",
                    "not json",
                    "{}"
                }) {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(relay.adminUrl().resolve("/v1/admin/invites"))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(400, response.statusCode(), body + " -> " + response.body());
            assertTrue(response.body().contains("\"error\":\"bad-request\""), response.body());
        }
    }
}
