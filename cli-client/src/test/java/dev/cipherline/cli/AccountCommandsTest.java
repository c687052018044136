package dev.cipherline.cli;

import static dev.cipherline.cli.CommandLineTest.assertOneSentence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.sdk.AccountId;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account and contact commands over a real SDK home in a temp directory. Only registration
 * needs a relay ({@link RegistrationOnlyRelay}); everything else works on the local store.
 */
class AccountCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static final String CAROL = "cccccccccccccccccccccccccccccccc";
    private static final String PASSPHRASE = "alice's passphrase";

    @TempDir Path dir;
    private RegistrationOnlyRelay relay;
    private Path home;
    private CliHarness cli;

    @BeforeEach
    void startRelay() throws Exception {
        relay = RegistrationOnlyRelay.start();
        home = dir.resolve("alice");
        // every command of these tests opens a passphrase-protected store
        cli = new CliHarness(Map.of("CIPHERLINE_PASSPHRASE", PASSPHRASE), dir.resolve("user"));
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    private CliHarness.Result alice(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = home.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(all);
    }

    private String init() {
        CliHarness.Result init =
                alice("init", "--relay", relay.url().toString(), "--name", "alice");
        assertEquals(0, init.exitCode(), init.toString());
        return init.stdout().strip();
    }

    @Test
    void initPrintsOnlyTheNewAccountId() {
        CliHarness.Result init = alice("init", "--relay", relay.url().toString());

        assertEquals(0, init.exitCode(), init.toString());
        assertEquals(1, init.stdout().lines().count(), init.stdout());
        String id = init.stdout().strip();
        assertEquals(id, AccountId.parse(id).value());
        assertEquals("", init.stderr());
    }

    @Test
    void initTwiceExitsWith3() {
        init();

        CliHarness.Result again = alice("init", "--relay", relay.url().toString());

        assertEquals(3, again.exitCode(), again.toString());
        assertOneSentence(again);
    }

    @Test
    void initWithoutARelayExitsWith4AndLeavesNoAccount() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        CliHarness.Result init = alice("init", "--relay", "http://127.0.0.1:" + closedPort);

        assertEquals(4, init.exitCode(), init.toString());
        assertOneSentence(init);
        assertEquals(3, alice("whoami").exitCode(), "nothing was stored");
    }

    @Test
    void whoamiJsonDescribesTheAccount() throws Exception {
        String id = init();

        JsonNode me = JSON.readTree(alice("whoami", "--json").stdout());

        assertEquals(id, me.get("accountId").asText());
        assertEquals(1, me.get("deviceId").asInt());
        assertEquals("alice", me.get("name").asText());
        assertEquals(relay.url().toString(), me.get("relay").asText());
    }

    @Test
    void theHomeComesFromCipherlineHomeWhenNoOptionIsGiven() throws Exception {
        String id = init();
        CliHarness viaEnv =
                new CliHarness(
                        Map.of(
                                "CIPHERLINE_HOME",
                                home.toString(),
                                "CIPHERLINE_PASSPHRASE",
                                PASSPHRASE),
                        dir.resolve("user"));

        CliHarness.Result whoami = viaEnv.run("whoami", "--json");

        assertEquals(0, whoami.exitCode(), whoami.toString());
        assertEquals(id, JSON.readTree(whoami.stdout()).get("accountId").asText());
    }

    @Test
    void contactsAreAddedAndListedSortedByName() throws Exception {
        init();

        assertEquals(0, alice("contact", "add", "carol", CAROL.toUpperCase()).exitCode());
        CliHarness.Result added = alice("contact", "add", "bob", BOB);
        assertEquals(0, added.exitCode(), added.toString());

        JsonNode contacts = JSON.readTree(alice("contact", "list", "--json").stdout());
        assertEquals(2, contacts.size());
        assertEquals("bob", contacts.get(0).get("name").asText());
        assertEquals(BOB, contacts.get(0).get("accountId").asText());
        assertEquals("carol", contacts.get(1).get("name").asText());
        assertEquals(CAROL, contacts.get(1).get("accountId").asText(), "IDs are normalized");

        CliHarness.Result human = alice("contact", "list");
        assertEquals(2, human.stdout().lines().count(), human.toString());
        assertTrue(human.stdout().startsWith("bob"), human.stdout());
    }

    @Test
    void aNameTakenByAnotherAccountIsAUsageError() {
        init();
        assertEquals(0, alice("contact", "add", "bob", BOB).exitCode());

        CliHarness.Result taken = alice("contact", "add", "bob", CAROL);

        assertEquals(2, taken.exitCode(), taken.toString());
        assertOneSentence(taken);
    }

    @Test
    void sendingToAnUnknownNameExitsWith5() {
        init();

        CliHarness.Result send = alice("send", "nobody", "hi");

        assertEquals(5, send.exitCode(), send.toString());
        assertOneSentence(send);
    }

    @Test
    void sendingWhileTheRelayIsDownTimesOutWith4AndKeepsTheMessage() {
        init();
        relay.close();

        CliHarness.Result send = alice("send", BOB, "hi", "--timeout", "0.5");

        assertEquals(4, send.exitCode(), send.toString());
        assertOneSentence(send);
        assertTrue(send.stderr().contains("queued in the outbox"), send.stderr());
    }

    @Test
    void aBatchFromStdinThatTimesOutSaysHowManyStayQueued() {
        init();
        relay.close();

        CliHarness.Result send =
                cli.runWithStdin(
                        "one\n\ntwo\n",
                        "--home",
                        home.toString(),
                        "send",
                        BOB,
                        "--stdin",
                        "--timeout",
                        "0.5");

        assertEquals(4, send.exitCode(), send.toString());
        assertOneSentence(send);
        assertTrue(send.stderr().contains("2 of 2 messages stay queued"), send.stderr());
    }

    @Test
    void receivingWhileTheRelayIsDownTimesOutWith4() {
        init();
        relay.close();

        CliHarness.Result recv = alice("recv", "--timeout", "0.5");

        assertEquals(4, recv.exitCode(), recv.toString());
        assertOneSentence(recv);
        assertEquals("", recv.stdout());
    }
}
