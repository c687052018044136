package dev.cipherline.cli.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HomesTest {
    private static final Path USER_HOME = Path.of("/home/ada");

    @Test
    void theOptionWinsOverTheEnvironment() {
        Path home =
                Homes.resolve(
                        Path.of("/tmp/explicit"),
                        Map.of("CIPHERLINE_HOME", "/tmp/env")::get,
                        USER_HOME);

        assertEquals(Path.of("/tmp/explicit"), home);
    }

    @Test
    void theEnvironmentWinsOverTheDefault() {
        Path home = Homes.resolve(null, Map.of("CIPHERLINE_HOME", "/tmp/env")::get, USER_HOME);

        assertEquals(Path.of("/tmp/env"), home);
    }

    @Test
    void withNeitherItIsDotCipherlineInTheUsersHome() {
        assertEquals(
                Path.of("/home/ada/.cipherline"),
                Homes.resolve(null, Map.<String, String>of()::get, USER_HOME));
    }

    @Test
    void aBlankVariableCountsAsUnset() {
        assertEquals(
                Path.of("/home/ada/.cipherline"),
                Homes.resolve(null, Map.of("CIPHERLINE_HOME", "  ")::get, USER_HOME));
    }

    @Test
    void aRelativeHomeIsMadeAbsolute() {
        Path home = Homes.resolve(Path.of("rel"), Map.<String, String>of()::get, USER_HOME);

        assertEquals(Path.of("rel").toAbsolutePath(), home);
    }
}
