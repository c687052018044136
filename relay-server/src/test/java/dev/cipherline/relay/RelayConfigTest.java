package dev.cipherline.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RelayConfigTest {
    @Test
    void defaultsMatchTheLaunchContract() {
        RelayConfig c = RelayConfig.parse();
        assertEquals("127.0.0.1", c.host());
        assertEquals(7400, c.port());
        assertEquals(Path.of("relay-data"), c.dataDir());
        assertEquals(Duration.ofDays(30), c.maxExpiry());
        assertEquals(100_000, c.queueQuota());
        assertEquals(256, c.window());
    }

    @Test
    void everyFlagIsRead() {
        RelayConfig c =
                RelayConfig.parse(
                        "--listen",
                        "0.0.0.0:0",
                        "--data",
                        "/tmp/x",
                        "--max-expiry",
                        "12h",
                        "--queue-quota=50",
                        "--window",
                        "8");
        assertEquals("0.0.0.0", c.host());
        assertEquals(0, c.port());
        assertEquals(Path.of("/tmp/x"), c.dataDir());
        assertEquals(Duration.ofHours(12), c.maxExpiry());
        assertEquals(50, c.queueQuota());
        assertEquals(8, c.window());
        assertEquals("::1", RelayConfig.parse("--listen", "[::1]:7400").host());
    }

    @Test
    void theDefaultIsOneNodeOnSqlite() {
        Backends b = RelayConfig.parse().backends();
        assertEquals(Backends.Store.SQLITE, b.store());
        assertEquals(Backends.Bus.LOCAL, b.bus());
        assertEquals("cipherline", b.mongoDatabase());
        assertEquals("majority", b.mongoWriteConcern());
        assertTrue(b.mongoJournal());
    }

    @Test
    void clusterFlagsAreRead() {
        Backends b =
                RelayConfig.parse(
                                "--store",
                                "mongodb",
                                "--mongo-uri",
                                "mongodb://db1:27017,db2:27017/?replicaSet=rs0",
                                "--mongo-database=relay_eu",
                                "--mongo-write-concern",
                                "2",
                                "--mongo-journal",
                                "off",
                                "--bus",
                                "kafka",
                                "--kafka-bootstrap",
                                "k1:9092,k2:9092",
                                "--node-id",
                                "eu-1")
                        .backends();
        assertEquals(Backends.Store.MONGODB, b.store());
        assertEquals("mongodb://db1:27017,db2:27017/?replicaSet=rs0", b.mongoUri().toString());
        assertEquals("relay_eu", b.mongoDatabase());
        assertEquals("2", b.mongoWriteConcern());
        assertFalse(b.mongoJournal());
        assertEquals(Backends.Bus.KAFKA, b.bus());
        assertEquals("k1:9092,k2:9092", b.kafkaBootstrap());
        assertEquals("eu-1", b.nodeId());
    }

    @Test
    void aClusterMissingAPartIsRefusedWithOneSentenceNamingTheFlag() {
        String[][] cases = {
            {"--store", "mongodb"},
            {"--store", "postgres"},
            {"--store", "mongodb", "--mongo-uri", "http://db:27017"},
            {"--bus", "kafka", "--kafka-bootstrap", "k:9092", "--node-id", "n1"},
            {
                "--store",
                "mongodb",
                "--mongo-uri",
                "mongodb://db",
                "--bus",
                "kafka",
                "--node-id",
                "a"
            },
            {
                "--store",
                "mongodb",
                "--mongo-uri",
                "mongodb://db",
                "--bus",
                "kafka",
                "--kafka-bootstrap",
                "k:9092"
            },
            {"--node-id", "has space"},
            {"--bus", "rabbit"},
            {"--mongo-write-concern", "all"},
            {"--mongo-journal", "maybe"},
        };
        String[] expected = {
            "--mongo-uri",
            "--store",
            "--mongo-uri",
            "--store mongodb",
            "--kafka-bootstrap",
            "--node-id",
            "--node-id",
            "--bus",
            "--mongo-write-concern",
            "--mongo-journal"
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = cases[i];
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> RelayConfig.parse(args));
            assertTrue(
                    e.getMessage().contains(expected[i]) && e.getMessage().endsWith("."),
                    String.join(" ", args) + " -> " + e.getMessage());
        }
    }

    @Test
    void aPasswordInTheMongoUriNeverReachesTheConfigsText() {
        RelayConfig c =
                RelayConfig.parse(
                        "--store", "mongodb", "--mongo-uri", "mongodb://relay:s3cret@db:27017/");
        assertFalse(c.toString().contains("s3cret"), c.toString());
        assertTrue(c.toString().contains("relay:***@db:27017"), c.toString());
    }

    @Test
    void durationsTakeUnitsOrIso8601() {
        assertEquals(Duration.ofDays(7), RelayConfig.duration("7d"));
        assertEquals(Duration.ofMinutes(90), RelayConfig.duration("90m"));
        assertEquals(Duration.ofSeconds(45), RelayConfig.duration("45s"));
        assertEquals(Duration.ofMillis(500), RelayConfig.duration("500ms"));
        assertEquals(Duration.ofHours(1), RelayConfig.duration("PT1H"));
    }

    @Test
    void badArgumentsAreOneSentence() {
        for (String[] args :
                new String[][] {
                    {"--listen", "nowhere"},
                    {"--listen", "127.0.0.1:99999"},
                    {"--window", "0"},
                    {"--window", "x"},
                    {"--queue-quota", "-1"},
                    {"--max-expiry", "soon"},
                    {"--max-expiry", "0s"},
                    {"--data"},
                    {"--auth-timeout", "0s"},
                    {"--auth-timeout", "later"},
                    {"--log-format", "xml"},
                    {"--log-format"},
                    {"--bogus", "1"}
                }) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> RelayConfig.parse(args));
            assertEquals('.', e.getMessage().charAt(e.getMessage().length() - 1), e.getMessage());
        }
    }

    @Test
    void theAdminListenerAndRegistrationPolicyAreReadWithTheirDefaults() {
        Operations defaults = RelayConfig.parse().operations();
        assertEquals("127.0.0.1", defaults.adminHost());
        assertEquals(7401, defaults.adminPort());
        assertEquals(RegistrationPolicy.OPEN, defaults.registration());

        Operations set =
                RelayConfig.parse("--admin-listen", "[::1]:0", "--registration=invite")
                        .operations();
        assertEquals("::1", set.adminHost());
        assertEquals(0, set.adminPort());
        assertEquals(RegistrationPolicy.INVITE, set.registration());
        assertFalse(RelayConfig.parse("--admin-listen", "off").operations().adminEnabled());
        assertEquals(
                RegistrationPolicy.CLOSED,
                RelayConfig.parse("--registration", "CLOSED").operations().registration());
    }

    @Test
    void aWrongAdminListenerOrPolicyIsOneSentence() {
        for (String[] args :
                new String[][] {
                    {"--registration", "sometimes"},
                    {"--admin-listen", "7401"},
                    {"--admin-listen", "127.0.0.1:x"},
                    {"--listen", "127.0.0.1:7500", "--admin-listen", "127.0.0.1:7500"},
                    {"--admin-listen"}
                }) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> RelayConfig.parse(args));
            assertTrue(e.getMessage().endsWith("."), e.getMessage());
            assertTrue(
                    e.getMessage().contains("--admin-listen")
                            || e.getMessage().contains("--registration"),
                    e.getMessage());
        }
    }

    @Test
    void theAuthTimeoutAndTheLogFormatAreRead() {
        RelayConfig defaults = RelayConfig.parse();
        assertEquals(Duration.ofSeconds(10), defaults.abuse().authTimeout());
        assertEquals(LogFormat.TEXT, defaults.logFormat());

        RelayConfig c = RelayConfig.parse("--auth-timeout", "3s", "--log-format=json");
        assertEquals(Duration.ofSeconds(3), c.abuse().authTimeout());
        assertEquals(LogFormat.JSON, c.logFormat());
        assertTrue(RelayConfig.USAGE.contains("--log-format text|json"));
        assertTrue(RelayConfig.USAGE.contains("--auth-timeout DURATION"));
        assertTrue(RelayConfig.USAGE.contains("--registration open|invite|closed"));
        assertTrue(RelayConfig.USAGE.contains("--admin-listen HOST:PORT|off"));
    }
}
