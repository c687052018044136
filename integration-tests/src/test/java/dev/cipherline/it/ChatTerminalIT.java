package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two people chat with {@code cipherline chat} in two real terminals (tmux sessions, 120x40), as
 * the README shows: each key is typed as a user would, and each assertion reads the screen.
 * Skipped, loudly, only where tmux cannot be run ({@code .ci/run} installs it).
 */
class ChatTerminalIT {
    private static final Duration SCREEN_TIMEOUT = Duration.ofSeconds(60);
    private static final Path SCREENSHOTS = Path.of("target", "chat-screens");

    @TempDir Path dir;

    private RelayProcess relay;
    private Tmux tmux;

    @BeforeEach
    void start() throws Exception {
        boolean available = Tmux.available();
        if (!available) {
            System.err.println(
                    "WARNING: ChatTerminalIT SKIPPED: tmux is not installed (.ci/run installs it)");
        }
        Assumptions.assumeTrue(available, "tmux is not installed; ChatTerminalIT needs it");
        relay = RelayProcess.start(dir.resolve("relay"));
        tmux = new Tmux();
    }

    @AfterEach
    void stop() throws Exception {
        if (tmux != null) {
            tmux.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void twoPeopleChatWithTicksTypingAndUnreadCounts() throws Exception {
        Path aliceHome = dir.resolve("alice");
        Path bobHome = dir.resolve("bob");
        String aliceId = init(aliceHome, "alice");
        String bobId = init(bobHome, "bob");
        assertEquals(0, new Cli(aliceHome).run("contact", "add", "bob", bobId).exitCode());
        assertEquals(0, new Cli(bobHome).run("contact", "add", "alice", aliceId).exitCode());

        Path jar = Path.of(System.getProperty("cipherline.cliJar"));
        tmux.start("alice", 120, 40, Tmux.cliCommand(jar, aliceHome, "chat"));
        tmux.start("bob", 120, 40, Tmux.cliCommand(jar, bobHome, "chat"));
        tmux.awaitText("alice", "-- connected", SCREEN_TIMEOUT);
        tmux.awaitText("bob", "-- connected", SCREEN_TIMEOUT);

        // alice opens the conversation and sends; bob, on his conversation list, sees it unread
        tmux.type("alice", "/open bob");
        tmux.press("alice", "Enter");
        tmux.awaitText("alice", "cipherline · alice · bob", SCREEN_TIMEOUT);
        tmux.type("alice", "Hello Bob");
        tmux.press("alice", "Enter");
        tmux.awaitText("alice", "me: Hello Bob  ✓✓", SCREEN_TIMEOUT);
        save("1-bob-list-unread", matches("bob", "alice\\s+1 unread"));
        tmux.awaitText("bob", "unread: alice 1", SCREEN_TIMEOUT);

        // bob opens it: the history shows the message, and alice's screen gets the read tick
        tmux.type("bob", "/open alice");
        tmux.press("bob", "Enter");
        tmux.awaitText("bob", "alice: Hello Bob", SCREEN_TIMEOUT);
        save("2-alice-read-tick", text("alice", "me: Hello Bob  ✓✓ read"));

        // bob types: alice sees the typing indicator, then the message; bob gets the read tick
        tmux.type("bob", "Hi Alice");
        save("3-alice-sees-typing", text("alice", "bob is typing…"));
        tmux.press("bob", "Enter");
        String alice = tmux.awaitText("alice", "bob: Hi Alice", SCREEN_TIMEOUT);
        save("4-bob-read-tick", text("bob", "me: Hi Alice  ✓✓ read"));
        alice =
                tmux.awaitScreen(
                        "alice",
                        "no typing indicator once the message arrived",
                        screen -> !screen.contains("is typing"),
                        SCREEN_TIMEOUT);
        save("4-alice", alice);

        // a message for another view bumps the unread count without touching bob's half-typed line
        tmux.type("bob", "/list");
        tmux.press("bob", "Enter");
        tmux.awaitText("bob", "cipherline · bob · conversations", SCREEN_TIMEOUT);
        tmux.type("bob", "half typed");
        tmux.type("alice", "Another one");
        tmux.press("alice", "Enter");
        String bob = tmux.awaitText("bob", "unread: alice 1", SCREEN_TIMEOUT);
        save("5-bob-typing-undisturbed", bob);
        assertTrue(bob.lines().anyMatch(line -> line.equals("> half typed")), bob);

        tmux.press("bob", "C-u");
        tmux.type("bob", "/quit");
        tmux.press("bob", "Enter");
        tmux.type("alice", "/quit");
        tmux.press("alice", "Enter");
        for (String who : new String[] {"alice", "bob"}) {
            String last = tmux.awaitText(who, "[exited 0]", SCREEN_TIMEOUT);
            assertFalse(last.contains("Exception"), last);
            assertFalse(last.contains("\tat "), last);
        }
    }

    private String text(String session, String text) throws Exception {
        return tmux.awaitText(session, text, SCREEN_TIMEOUT);
    }

    private String matches(String session, String regex) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        return tmux.awaitScreen(
                session, "/" + regex + "/", s -> pattern.matcher(s).find(), SCREEN_TIMEOUT);
    }

    private String init(Path home, String name) throws Exception {
        Cli.Result result =
                new Cli(home)
                        .run(
                                "init",
                                "--relay",
                                relay.url().toString(),
                                "--name",
                                name,
                                "--no-passphrase");
        assertEquals(0, result.exitCode(), result.toString());
        return result.stdout().strip();
    }

    /** Keeps a screen in target/chat-screens for people reading a CI run. */
    private static void save(String name, String screen) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Files.writeString(SCREENSHOTS.resolve(name + ".txt"), screen);
        System.out.println("--- " + name + " ---\n" + screen);
    }
}
