package dev.cipherline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real relay started in this process plus the CLI run in-process for named users, each with a
 * home folder of its own under one test directory.
 */
final class RelayUsers implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final RelayServer relay;
    private final CliHarness cli;

    private RelayUsers(Path dir, RelayServer relay) {
        this.dir = dir;
        this.relay = relay;
        this.cli = new CliHarness(Map.of(), dir.resolve("user"));
    }

    /** Starts a relay keeping its store under {@code dir}. */
    static RelayUsers start(Path dir) throws IOException {
        return start(dir, null);
    }

    /**
     * Starts a relay keeping its store under {@code dir}, with the admin listener and registration
     * policy of {@code operations} (null: the defaults, no admin listener).
     */
    static RelayUsers start(Path dir, dev.cipherline.relay.Operations operations)
            throws IOException {
        RelayConfig config =
                new RelayConfig(
                        "127.0.0.1", 0, dir.resolve("relay"), Duration.ofDays(30), 100_000, 64);
        RelayServer relay =
                RelayServer.start(
                        operations == null ? config : config.withOperations(operations),
                        Clock.systemUTC());
        return new RelayUsers(dir, relay);
    }

    /** The relay's admin listener (when started with one). */
    java.net.URI adminUrl() {
        return relay.adminUrl();
    }

    /** Runs {@code cipherline --home DIR/who args...}. */
    CliHarness.Result as(String who, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = dir.resolve(who).toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(all);
    }

    /** Runs {@code cipherline --home DIR/who args...} with {@code stdin} as its standard input. */
    CliHarness.Result asWithStdin(String stdin, String who, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = dir.resolve(who).toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.runWithStdin(stdin, all);
    }

    /** The relay's base URL. */
    java.net.URI url() {
        return relay.url();
    }

    /** The home folder of {@code who}. */
    Path home(String who) {
        return dir.resolve(who);
    }

    /** Creates {@code who}'s account on the relay and returns its account ID. */
    String init(String who) {
        return ok(as(who, "init", "--relay", relay.url().toString(), "--no-passphrase"))
                .stdout()
                .strip();
    }

    /**
     * Registers device {@code deviceId} of {@code first}'s account (whose client must not be
     * running) in the empty home of {@code who}, with the identity read from {@code first}'s
     * unprotected store: a stand-in for linking a device until linking lands.
     */
    void addDevice(String first, String who, int deviceId) throws Exception {
        dev.cipherline.crypto.Identity identity;
        dev.cipherline.crypto.DeviceList previous = null;
        try (var db =
                dev.cipherline.sdk.internal.store.Database.openUnprotected(dir.resolve(first))) {
            identity =
                    dev.cipherline.crypto.Identity.fromSerialized(
                            new dev.cipherline.sdk.internal.store.IdentityStore(db)
                                    .load()
                                    .orElseThrow()
                                    .identityKeyPair());
            byte[] pinned =
                    new dev.cipherline.sdk.internal.store.DeviceListStore(db)
                            .pinned(identity.accountId());
            if (pinned != null) {
                previous =
                        dev.cipherline.crypto.DeviceList.verify(
                                pinned, identity.accountId(), identity.publicKey());
            }
        }
        dev.cipherline.sdk.internal.registration.Registrar.register(
                dir.resolve(who),
                List.of(relay.url()),
                null,
                dev.cipherline.sdk.internal.store.StoreKeyTable.Unlock.NONE,
                null,
                dev.cipherline.sdk.RelayTrust.system(),
                Clock.systemUTC(),
                identity,
                deviceId,
                previous,
                db -> {});
        // the first device learns the new list, so a device added after signs the next version
        byte[] signed;
        try (var db =
                dev.cipherline.sdk.internal.store.Database.openUnprotected(dir.resolve(who))) {
            signed =
                    new dev.cipherline.sdk.internal.store.DeviceListStore(db)
                            .pinned(identity.accountId());
        }
        try (var db =
                dev.cipherline.sdk.internal.store.Database.openUnprotected(dir.resolve(first))) {
            new dev.cipherline.sdk.internal.store.DeviceListStore(db)
                    .pin(
                            identity.accountId(),
                            dev.cipherline.crypto.DeviceList.parse(signed).version(),
                            signed);
        }
    }

    /** Asserts the run exited 0 and returns it. */
    static CliHarness.Result ok(CliHarness.Result result) {
        assertEquals(0, result.exitCode(), result.toString());
        return result;
    }

    /** Parses one JSON object per line of the run's output. */
    static List<JsonNode> jsonLines(CliHarness.Result result) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.stdout().lines().toList()) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    /** Stops the relay; idempotent. */
    @Override
    public void close() {
        relay.close();
    }
}
