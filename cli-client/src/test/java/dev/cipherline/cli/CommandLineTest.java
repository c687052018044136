package dev.cipherline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Argument parsing, help and the exit codes of failures that need no relay. */
class CommandLineTest {
    private static final String VALID_ID = "abcdefghijklmnopqrstuvwxyz234567";

    @TempDir Path dir;

    private CliHarness cli() {
        return new CliHarness(Map.of(), dir.resolve("user"));
    }

    private String home() {
        return dir.resolve("home").toString();
    }

    @Test
    void helpListsTheCommandsAndEveryExitCode() {
        CliHarness.Result help = cli().run("--help");

        assertEquals(0, help.exitCode(), help.toString());
        for (String command : new String[] {"init", "whoami", "contact", "send", "recv"}) {
            assertTrue(help.stdout().contains(command), "lists " + command + ": " + help);
        }
        assertTrue(help.stdout().contains("Exit codes:"), help.stdout());
        for (int code = 0; code <= 6; code++) {
            assertTrue(help.stdout().contains(" " + code + ":"), "documents " + code);
        }
    }

    @Test
    void subcommandHelpAlsoDocumentsExitCodes() {
        CliHarness.Result help = cli().run("send", "--help");

        assertEquals(0, help.exitCode(), help.toString());
        assertTrue(help.stdout().contains("--stdin"), help.stdout());
        assertTrue(help.stdout().contains("--timeout"), help.stdout());
        assertTrue(help.stdout().contains("4:"), help.stdout());
    }

    @Test
    void chatWithoutATerminalSaysSoInOneLine() {
        // surefire's standard streams are pipes, as in a script
        CliHarness.Result chat = cli().run("--home", home(), "chat");

        assertEquals(2, chat.exitCode(), chat.toString());
        assertTrue(chat.stderr().contains("chat needs an interactive terminal"), chat.stderr());
        assertEquals(1, chat.stderr().lines().count(), chat.stderr());
    }

    @Test
    void versionIsPrinted() {
        CliHarness.Result version = cli().run("--version");

        assertEquals(0, version.exitCode(), version.toString());
        assertTrue(version.stdout().startsWith("cipherline "), version.stdout());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "--bogus",
                "frobnicate",
                "contact",
                "contact remove bob",
                "send",
                "send bob",
                "send bob hi --stdin",
                "send bob hi extra",
                "send bob hi --timeout -1",
                "send bob hi --timeout soon",
                "send bob hi --timeout 0",
                "recv --wait -3",
                "recv --timeout 0",
                "init",
                "init --relay not-a-url",
                "init --relay ftp://example.org",
                "contact add bob",
                "contact add bob not-an-account-id",
                "whoami --yaml",
            })
    void usageErrorsExitWith2AndOneSentence(String args) {
        CliHarness.Result result = cli().run(withHome(args));

        assertEquals(2, result.exitCode(), args + " -> " + result);
        assertOneSentence(result);
        assertEquals("", result.stdout(), "nothing on stdout");
    }

    @Test
    void aBadAccountIdIsNamedInTheError() {
        CliHarness.Result result = cli().run("--home", home(), "contact", "add", "bob", "x-y-z");

        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains("'x-y-z' is not an account ID"), result.stderr());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "whoami",
                "whoami --json",
                "contact list",
                "contact add bob " + VALID_ID,
                "send bob hi",
                "recv"
            })
    void commandsOnAnEmptyHomeExitWith3AndSayHowToInitialize(String args) {
        CliHarness.Result result = cli().run(withHome(args));

        assertEquals(3, result.exitCode(), args + " -> " + result);
        assertOneSentence(result);
        assertTrue(result.stderr().contains(home()), "names the directory: " + result);
        assertTrue(result.stderr().contains("cipherline init"), result.stderr());
        assertTrue(Files.notExists(dir.resolve("home")), "a failed command creates no home");
    }

    private String[] withHome(String args) {
        String all = "--home " + home() + (args.isEmpty() ? "" : " " + args);
        return all.split(" ");
    }

    static void assertOneSentence(CliHarness.Result result) {
        assertEquals(1, result.errLines().size(), "one line on stderr: " + result);
        String line = result.errLines().get(0);
        assertTrue(line.startsWith("cipherline: "), line);
        assertTrue(!line.contains("Exception") && !line.contains("\tat "), line);
    }
}
