package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.Operations;
import dev.cipherline.relay.RegistrationPolicy;
import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Initializing against a real relay whose registration needs an invite, or is closed. */
class InviteRegistrationTest {
    @TempDir Path dir;

    private RelayServer relay;

    @BeforeEach
    void start() throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("relay"),
                                        Duration.ofDays(30),
                                        100_000,
                                        64)
                                .withOperations(
                                        new Operations("127.0.0.1", 0, RegistrationPolicy.INVITE)),
                        Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    /** Creates an invite through the relay's admin API, as the admin command does. */
    private String createInvite(int uses) throws Exception {
        String adminToken = Files.readString(dir.resolve("relay").resolve("admin.token")).strip();
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                relay.adminUrl().resolve("/v1/admin/invites"))
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"uses\":"
                                                                + uses
                                                                + ",\"expiresInSeconds\":600}"))
                                        .header("Authorization", "Bearer " + adminToken)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        Matcher m = Pattern.compile("\"token\":\"([A-Za-z0-9_-]+)\"").matcher(response.body());
        assertTrue(m.find(), response.body());
        return m.group(1);
    }

    private Initializer initializer(String home) {
        return ChatClient.initializer().home(dir.resolve(home)).relayUrl(relay.url());
    }

    @Test
    void anInviteRegistersOnceAndEachRefusalHasItsReason() throws Exception {
        ChatException none = assertThrows(ChatException.class, initializer("a")::initialize);
        assertEquals(ChatException.Reason.INVITE_INVALID, none.reason());
        assertFalse(ChatClient.isInitialized(dir.resolve("a")), "a refusal stores nothing");

        String invite = createInvite(1);
        AccountInfo alice = initializer("a").name("Alice").invite(invite).initialize();
        assertEquals("Alice", alice.name());
        assertTrue(ChatClient.isInitialized(dir.resolve("a")));

        ChatException used =
                assertThrows(ChatException.class, initializer("b").invite(invite)::initialize);
        assertEquals(ChatException.Reason.INVITE_USED, used.reason());
        assertTrue(used.getMessage().contains("used up"), used.getMessage());
        assertFalse(used.getMessage().contains(invite), "the token is not repeated");

        relay.setRegistration(RegistrationPolicy.CLOSED);
        ChatException closed =
                assertThrows(
                        ChatException.class, initializer("c").invite(createInvite(1))::initialize);
        assertEquals(ChatException.Reason.REGISTRATION_CLOSED, closed.reason());
    }

    @Test
    void aMalformedInviteIsRefusedBeforeAnythingIsSent() {
        ChatException e =
                assertThrows(ChatException.class, () -> initializer("a").invite("not a token!"));
        assertEquals(ChatException.Reason.INVALID_ARGUMENT, e.reason());
        ChatException noHome =
                assertThrows(ChatException.class, () -> ChatClient.initializer().initialize());
        assertEquals(ChatException.Reason.INVALID_ARGUMENT, noHome.reason());
    }
}
