package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayServer;
import dev.cipherline.sdk.example.HelloBob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example that opens the SDK's README and the project README's SDK section is {@link HelloBob},
 * character for character, and it works: it runs here against a real relay, with Bob answering.
 */
class ReadmeExampleTest {
    private static final Path EXAMPLE =
            Path.of("src/test/java/dev/cipherline/sdk/example/HelloBob.java");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

    @TempDir Path dir;

    @Test
    void bothReadmesShowExactlyTheCompiledExample() throws IOException {
        String source = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
        String example = source.substring(source.indexOf("import "));
        assertEquals(example, firstJavaBlock(Path.of("README.md")), "sdk/README.md");
        assertEquals(example, firstJavaBlock(Path.of("../README.md")), "README.md");
    }

    private static String firstJavaBlock(Path readme) throws IOException {
        Matcher m = JAVA_BLOCK.matcher(Files.readString(readme, StandardCharsets.UTF_8));
        assertTrue(m.find(), readme + " has a ```java block");
        return m.group(1);
    }

    @Test
    void theExampleSaysHelloAndHearsTheAnswerInItsListener() throws Exception {
        try (RelayServer relay = TestRelays.start(dir.resolve("relay"))) {
            AccountId bob =
                    ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob").accountId();
            RecordingListener bobIn = new RecordingListener();
            AtomicReference<ChatClient> bobClient = new AtomicReference<>();
            ChatListener answering =
                    new ChatListener() {
                        @Override
                        public void onMessage(IncomingMessage message) {
                            bobIn.onMessage(message);
                            bobClient.get().send(message.from(), "Hi Alice");
                        }
                    };
            PrintStream stdout = System.out;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            try (ChatClient b =
                    TestRelays.client(dir.resolve("bob"), relay.url(), answering).build()) {
                bobClient.set(b);
                System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
                HelloBob.chat(
                        dir.resolve("alice"), relay.url(), bob, "correct horse".toCharArray());
            } finally {
                System.setOut(stdout);
            }
            List<IncomingMessage> hello = bobIn.awaitMessages(1);
            assertEquals("Hello Bob", hello.get(0).text());
            String out = printed.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("my account ID, for Bob: " + hello.get(0).from()), out);
            assertTrue(out.contains(bob + ": Hi Alice"), out);
        }
    }
}
