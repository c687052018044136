package dev.cipherline.cli;

import static dev.cipherline.cli.RelayUsers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.Operations;
import dev.cipherline.relay.RegistrationPolicy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account's signed device list at the terminal: a device the relay's operator revoked is still
 * named by Bob's list, so Alice's `send` fails with one line naming it, until Bob's remaining
 * device signs the list without it with `device remove`.
 */
class DeviceListCommandsTest {
    @TempDir Path dir;
    private RelayUsers users;

    @BeforeEach
    void setUp() throws Exception {
        users = RelayUsers.start(dir, new Operations("127.0.0.1", 0, RegistrationPolicy.OPEN));
    }

    @AfterEach
    void stopRelay() {
        users.close();
    }

    private void revoke(String account, int device) throws Exception {
        String token = Files.readString(dir.resolve("relay").resolve("admin.token")).strip();
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                users.adminUrl()
                                                        .resolve(
                                                                "/v1/admin/accounts/"
                                                                        + account
                                                                        + "/devices/"
                                                                        + device))
                                        .DELETE()
                                        .header("Authorization", "Bearer " + token)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(2, response.statusCode() / 100, response.body());
    }

    @Test
    void aRevokedDeviceStopsSendsUntilTheAccountSignsItsListWithoutIt() throws Exception {
        users.init("alice");
        String bobId = users.init("bob");
        users.addDevice("bob", "bob2", 2);
        ok(users.as("alice", "send", bobId, "to both of bob's devices"));

        revoke(bobId, 2);
        CliHarness.Result refused = users.as("alice", "send", bobId, "after the revocation");
        assertNotEquals(0, refused.exitCode(), refused.toString());
        assertEquals(1, refused.errLines().size(), refused.toString());
        assertTrue(refused.stderr().contains("device 2 of " + bobId), refused.toString());

        ok(users.as("bob", "device", "remove", "2"));
        ok(users.as("alice", "send", bobId, "after the repair"));
    }
}
