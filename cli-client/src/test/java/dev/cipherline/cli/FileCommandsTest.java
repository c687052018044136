package dev.cipherline.cli;

import static dev.cipherline.cli.RelayUsers.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code send --file}, {@code recv --download-dir} and file rows in {@code history}. */
class FileCommandsTest {
    @TempDir Path dir;
    private RelayUsers users;

    @BeforeEach
    void setUp() throws Exception {
        users = RelayUsers.start(dir);
        String aliceId = users.init("alice");
        String bobId = users.init("bob");
        ok(users.as("alice", "contact", "add", "bob", bobId));
        ok(users.as("bob", "contact", "add", "alice", aliceId));
    }

    @AfterEach
    void stopRelay() {
        users.close();
    }

    @Test
    void aFileIsSentSavedUnderASafeNameNeverOverwritingAndShownInHistory() throws Exception {
        byte[] content = new byte[150_000];
        new Random(7).nextBytes(content);
        Path file = dir.resolve("report.pdf");
        Files.write(file, content);
        ok(users.as("alice", "send", "bob", "--file", file.toString(), "the report"));
        ok(users.as("alice", "send", "bob", "--file", file.toString()));

        Path downloads = Files.createDirectory(dir.resolve("downloads"));
        // a file of that name is there already: it stays as it is
        Files.write(downloads.resolve("report.pdf"), new byte[] {1});
        String out = ok(users.as("bob", "recv", "--download-dir", downloads.toString())).stdout();
        assertTrue(out.contains("[file report.pdf, 150000 bytes] the report"), out);
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(downloads.resolve("report.pdf")));
        assertArrayEquals(content, Files.readAllBytes(downloads.resolve("report (1).pdf")));
        assertArrayEquals(content, Files.readAllBytes(downloads.resolve("report (2).pdf")));

        String history = ok(users.as("alice", "history", "bob")).stdout();
        assertTrue(history.contains("me: [file report.pdf, 150000 bytes] the report"), history);
    }

    @Test
    void aNameFromTheSenderNeverLeavesTheDownloadFolder() throws Exception {
        Path sneaky = dir.resolve("..evil.sh");
        Files.write(sneaky, new byte[] {42});
        ok(users.as("alice", "send", "bob", "--file", sneaky.toString()));
        Path downloads = Files.createDirectory(dir.resolve("in"));
        ok(users.as("bob", "recv", "--download-dir", downloads.toString()));
        try (var files = Files.list(downloads)) {
            Path saved = files.findFirst().orElseThrow();
            assertEquals(downloads, saved.getParent());
            assertEquals("evil.sh", saved.getFileName().toString());
        }
    }

    @Test
    void anUnreadableFileIsAUsageError() {
        CliHarness.Result r =
                users.as("alice", "send", "bob", "--file", dir.resolve("nope").toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("cannot read the file"), r.stderr());
    }
}
