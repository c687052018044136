package dev.cipherline.relay.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.AbuseLimits;
import dev.cipherline.relay.RelayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir Path dir;

    private Path file(String text) throws Exception {
        Path file = dir.resolve("relay.toml");
        Files.writeString(file, text);
        return file;
    }

    private static Settings load(Map<String, String> env, String... args) {
        return ConfigLoader.load(List.of(args), env);
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws Exception {
        String config = file("window = 8\nmax-connections = 80\n").toString();
        Map<String, String> env =
                Map.of("CIPHERLINE_RELAY_WINDOW", "9", "CIPHERLINE_RELAY_CONFIG", config);

        Settings all = load(env, "--window", "10");
        assertEquals(10, all.get(RelayOptions.WINDOW));
        assertEquals(Settings.Source.FLAG, all.source(RelayOptions.WINDOW));

        Settings noFlag = load(env);
        assertEquals(9, noFlag.get(RelayOptions.WINDOW));
        assertEquals(Settings.Source.ENVIRONMENT, noFlag.source(RelayOptions.WINDOW));

        Settings fileOnly = load(Map.of(), "--config", config);
        assertEquals(8, fileOnly.get(RelayOptions.WINDOW));
        assertEquals(Settings.Source.FILE, fileOnly.source(RelayOptions.WINDOW));
        assertEquals(80, fileOnly.get(RelayOptions.MAX_CONNECTIONS));

        Settings none = load(Map.of());
        assertEquals(256, none.get(RelayOptions.WINDOW));
        assertEquals(Settings.Source.DEFAULT, none.source(RelayOptions.WINDOW));
        assertEquals(50_000, none.get(RelayOptions.MAX_CONNECTIONS));
    }

    @Test
    void flagEnvironmentVariableAndKeyComeFromTheOneDeclaration() throws Exception {
        assertEquals("--max-connections", RelayOptions.MAX_CONNECTIONS.flag());
        assertEquals("CIPHERLINE_RELAY_MAX_CONNECTIONS", RelayOptions.MAX_CONNECTIONS.env());
        assertEquals("max-connections", RelayOptions.MAX_CONNECTIONS.key());
        // every option is read the same from each of the three places
        for (Option<?> option : RelayOptions.ALL) {
            Object value = option.defaultValue() != null ? option.defaultValue() : sample(option);
            String text = format(option, value);
            Path config = file(option.key() + " = " + toml(option, value) + "\n");
            assertEquals(
                    value, load(Map.of(), option.flag() + "=" + text).get(option), option.name());
            assertEquals(value, load(Map.of(option.env(), text)).get(option), option.name());
            assertEquals(
                    value,
                    load(Map.of(), "--config", config.toString()).get(option),
                    option.name());
        }
    }

    private static Object sample(Option<?> option) {
        return option.type().parse(option == RelayOptions.MONGO_URI ? "mongodb://db/" : "n1");
    }

    @SuppressWarnings("unchecked")
    private static <T> String format(Option<T> option, Object value) {
        return option.type().format((T) value);
    }

    @SuppressWarnings("unchecked")
    private static <T> String toml(Option<T> option, Object value) {
        return option.type().toToml((T) value, false);
    }

    @Test
    void aBooleanFlagMayStandAlone() {
        assertTrue(load(Map.of(), "--limit-loopback").get(RelayOptions.LIMIT_LOOPBACK));
        assertFalse(load(Map.of(), "--limit-loopback=false").get(RelayOptions.LIMIT_LOOPBACK));
        assertFalse(load(Map.of(), "--mongo-journal", "off").get(RelayOptions.MONGO_JOURNAL));
    }

    @Test
    void anUnknownKeyIsRefusedWithItsLineAndANearMiss() throws Exception {
        Path config = file("# my relay\nwindow = 8\n\nmax_connections = 5\n");
        ConfigException e =
                assertThrows(
                        ConfigException.class, () -> load(Map.of(), "--config", config.toString()));
        assertEquals(
                config
                        + ", line 4: unknown key 'max_connections' (did you mean max-connections?)"
                        + " (the keys are the relay's flags without their dashes; see --help).",
                e.getMessage());
    }

    @Test
    void aTableIsAnUnknownKeyToo() throws Exception {
        Path config = file("window = 8\n[limits]\nmax-connections = 5\n");
        ConfigException e =
                assertThrows(
                        ConfigException.class, () -> load(Map.of(), "--config", config.toString()));
        assertTrue(
                e.getMessage().startsWith(config + ", line 2: unknown key 'limits'"),
                e.getMessage());
    }

    @Test
    void aWrongTypeNamesTheExpectedType() throws Exception {
        String[][] cases = {
            {"window = \"8\"", "window must be an integer 1..10000, not a string."},
            {"window = 8.5", "window must be an integer 1..10000, not a float."},
            {"limit-loopback = \"yes\"", "limit-loopback must be true or false, not a string."},
            {"mongo-journal = 1", "mongo-journal must be true or false, not an integer."},
            {"max-expiry = 30", "max-expiry must be a string (a positive duration such as"},
            {"data = [\"a\"]", "data must be a string (a path), not an array."},
        };
        for (String[] c : cases) {
            Path config = file("\n" + c[0] + "\n");
            ConfigException e =
                    assertThrows(
                            ConfigException.class,
                            () -> load(Map.of(), "--config", config.toString()));
            assertTrue(
                    e.getMessage().startsWith(config + ", line 2: " + c[1]),
                    c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void aBadValueNamesWhatIsAllowed() throws Exception {
        String[][] cases = {
            {"window = 0", "window must be an integer 1..10000, not 0."},
            {"store = \"postgres\"", "store must be \"sqlite\" or \"mongodb\", not \"postgres\"."},
            {"listen = \"nowhere\"", "listen must be HOST:PORT such as"},
            {"rate-limit = \"fast\"", "rate-limit must be a rate such as"},
            {"stall-timeout = \"0s\"", "stall-timeout must be a positive duration"},
            {"mongo-uri = \"http://db\"", "mongo-uri must be a URI starting with mongodb://"},
        };
        for (String[] c : cases) {
            Path config = file("# x\n\n" + c[0] + "\n");
            ConfigException e =
                    assertThrows(
                            ConfigException.class,
                            () -> load(Map.of(), "--config", config.toString()));
            assertTrue(
                    e.getMessage().startsWith(config + ", line 3: " + c[1])
                            && e.getMessage().endsWith("."),
                    c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void aSecretIsNotRepeatedInAnError() throws Exception {
        Path config = file("mongo-uri = \"http://u:s3cret@db\"\n");
        ConfigException e =
                assertThrows(
                        ConfigException.class, () -> load(Map.of(), "--config", config.toString()));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void brokenTomlAndMissingFilesAreOneSentence() throws Exception {
        Path config = file("window = 8\nwindow = \n");
        ConfigException broken =
                assertThrows(
                        ConfigException.class, () -> load(Map.of(), "--config", config.toString()));
        assertTrue(
                broken.getMessage().startsWith(config + ", line 2: this is not valid TOML"),
                broken.getMessage());
        ConfigException missing =
                assertThrows(
                        ConfigException.class,
                        () -> load(Map.of(), "--config", dir.resolve("nope.toml").toString()));
        assertEquals(
                "The config file " + dir.resolve("nope.toml") + " does not exist.",
                missing.getMessage());
    }

    @Test
    void environmentVariablesAreCheckedLikeFlags() {
        ConfigException unknown =
                assertThrows(
                        ConfigException.class,
                        () -> load(Map.of("CIPHERLINE_RELAY_WINDOWS", "3", "HOME", "/root")));
        assertTrue(unknown.getMessage().contains("CIPHERLINE_RELAY_WINDOWS"), unknown.getMessage());
        ConfigException bad =
                assertThrows(
                        ConfigException.class,
                        () -> load(Map.of("CIPHERLINE_RELAY_WINDOW", "many")));
        assertEquals(
                "CIPHERLINE_RELAY_WINDOW must be an integer 1..10000, not 'many'.",
                bad.getMessage());
        // variables of other programs are none of the relay's business
        assertEquals(256, load(Map.of("CIPHERLINE_CLI_HOME", "/x")).get(RelayOptions.WINDOW));
    }

    @Test
    void printConfigMasksTheMongoPasswordAndReadsBackAsTheSameConfiguration() throws Exception {
        Path config =
                file(
                        "store = \"mongodb\"\n"
                                + "mongo-uri = \"mongodb://relay:s3cret@db1:27017/?replicaSet=rs0\"\n"
                                + "rate-limit = \"50/10s:200\"\n");
        Settings settings =
                load(
                        Map.of("CIPHERLINE_RELAY_MAX_EXPIRY", "12h"),
                        "--config",
                        config.toString(),
                        "--listen",
                        "[::1]:0");
        String printed = ConfigText.print(settings);
        assertFalse(printed.contains("s3cret"), printed);
        assertTrue(
                printed.contains("mongo-uri = \"mongodb://relay:***@db1:27017/?replicaSet=rs0\""),
                printed);
        assertTrue(printed.contains("# environment CIPHERLINE_RELAY_MAX_EXPIRY"), printed);
        assertTrue(printed.contains("# flag --listen"), printed);
        assertTrue(printed.contains("# node-id is not set"), printed);

        Settings again = load(Map.of(), "--config", file(printed).toString());
        List<String> differ = new ArrayList<>();
        for (Option<?> option : RelayOptions.ALL) {
            if (!settings.sameValue(option, again)) {
                differ.add(option.name());
            }
        }
        assertEquals(List.of("mongo-uri"), differ); // only the masked password
        RelayConfig c = RelayConfig.from(again);
        assertEquals(AbuseLimits.Rate.parse("50/10s:200"), c.abuse().deviceRate());
        assertEquals("::1", c.host());
    }

    @Test
    void theExampleConfigFileLoadsAndNamesEveryOption() throws Exception {
        Path example = Path.of("..", "packaging", "relay.toml");
        Settings settings = load(Map.of(), "--config", example.toString());
        assertEquals(Path.of("/var/lib/cipherline-relay"), settings.get(RelayOptions.DATA));
        String text = Files.readString(example);
        // uncommented, every key must load too: the comments show valid values
        String all = text.replaceAll("(?m)^# ([a-z-]+ = )", "$1");
        Settings uncommented = load(Map.of(), "--config", file(all).toString());
        for (Option<?> option : RelayOptions.ALL) {
            assertTrue(
                    uncommented.source(option) == Settings.Source.FILE,
                    option.key() + " is missing from packaging/relay.toml");
        }
    }
}
