package dev.cipherline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passphrases from the environment: init, opening, a wrong one, changing and removing it. */
class PassphraseCommandTest {
    @TempDir Path dir;
    private RegistrationOnlyRelay relay;
    private Path home;

    @BeforeEach
    void startRelay() throws Exception {
        relay = RegistrationOnlyRelay.start();
        home = dir.resolve("alice");
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    private CliHarness.Result run(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = home.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return new CliHarness(env, dir.resolve("user")).run(all);
    }

    private static Map<String, String> passphrase(String current, String next) {
        Map<String, String> env = new HashMap<>();
        if (current != null) {
            env.put("CIPHERLINE_PASSPHRASE", current);
        }
        if (next != null) {
            env.put("CIPHERLINE_NEW_PASSPHRASE", next);
        }
        return env;
    }

    @Test
    void withoutAPassphraseInitRefusesUnlessToldNotToUseOne() {
        CliHarness.Result none = run(Map.of(), "init", "--relay", relay.url().toString());
        assertEquals(2, none.exitCode(), none.toString());
        assertTrue(none.stderr().contains("CIPHERLINE_PASSPHRASE"), none.stderr());
        assertTrue(none.stderr().contains("--no-passphrase"), none.stderr());

        CliHarness.Result throwaway =
                run(Map.of(), "init", "--relay", relay.url().toString(), "--no-passphrase");
        assertEquals(0, throwaway.exitCode(), throwaway.toString());
        assertTrue(throwaway.stderr().contains("no passphrase"), throwaway.stderr());
        // such a store opens without one, and ignores one given
        assertEquals(0, run(Map.of(), "whoami").exitCode());
        assertEquals(0, run(passphrase("anything", null), "whoami").exitCode());
    }

    @Test
    void theStoreOpensWithItsPassphraseOnlyAndItCanBeChangedAndRemoved() throws Exception {
        assertEquals(
                0,
                run(passphrase("first one", null), "init", "--relay", relay.url().toString())
                        .exitCode());
        assertEquals(0, run(passphrase("first one", null), "whoami").exitCode());

        CliHarness.Result missing = run(Map.of(), "whoami");
        assertEquals(7, missing.exitCode(), missing.toString());
        assertTrue(missing.stderr().contains("CIPHERLINE_PASSPHRASE"), missing.stderr());
        CliHarness.Result wrong = run(passphrase("First one", null), "contact", "list");
        assertEquals(7, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.stderr().contains("wrong passphrase"), wrong.stderr());
        assertFalse(wrong.stderr().contains("First one"), "a passphrase is never printed");

        CliHarness.Result change = run(passphrase("first one", "second one"), "passphrase");
        assertEquals(0, change.exitCode(), change.toString());
        assertEquals(7, run(passphrase("first one", null), "whoami").exitCode());
        assertEquals(0, run(passphrase("second one", null), "whoami").exitCode());

        CliHarness.Result noNew = run(passphrase("second one", null), "passphrase");
        assertEquals(2, noNew.exitCode(), noNew.toString());

        assertEquals(0, run(passphrase("second one", null), "passphrase", "--remove").exitCode());
        assertEquals(0, run(Map.of(), "whoami").exitCode());
        assertTrue(Files.exists(home.resolve("cipherline.db")));
    }
}
