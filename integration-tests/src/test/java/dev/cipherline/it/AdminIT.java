package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.bench.internal.cluster.ChildJvm;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay jar as an operator runs it: started with {@code --registration invite}, invites made
 * with {@code java -jar cipherline-relay.jar admin}, an SDK registering with one, the metrics
 * scraped from the admin listener, and the device revoked again.
 */
class AdminIT {
    @TempDir Path dir;

    record Run(int exitCode, String stdout, String stderr) {}

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Run admin(int port, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.java());
        command.add("-jar");
        command.add(System.getProperty("cipherline.relayJar"));
        command.add("admin");
        command.add("--admin");
        command.add("http://127.0.0.1:" + port);
        command.add("--data");
        command.add(dir.resolve("relay").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "admin", ".out");
        Path err = Files.createTempFile(dir, "admin", ".err");
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the admin command finished");
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void anOperatorInvitesAUserWatchesTheMetricsAndRevokesTheDevice() throws Exception {
        int port = freePort();
        try (RelayProcess relay =
                RelayProcess.start(
                        dir.resolve("relay"),
                        "--registration",
                        "invite",
                        "--admin-listen",
                        "127.0.0.1:" + port)) {
            ChatException refused =
                    org.junit.jupiter.api.Assertions.assertThrows(
                            ChatException.class,
                            () ->
                                    ChatClient.initializer()
                                            .home(dir.resolve("alice"))
                                            .relayUrl(relay.url())
                                            .initialize());
            assertEquals(ChatException.Reason.INVITE_INVALID, refused.reason());

            Run created = admin(port, "invite", "create", "--uses", "1", "--expires", "1h");
            assertEquals(0, created.exitCode(), created.toString());
            Matcher m = Pattern.compile("token \\(shown once\\): (\\S+)").matcher(created.stdout());
            assertTrue(m.find(), created.stdout());
            AccountInfo alice =
                    ChatClient.initializer()
                            .home(dir.resolve("alice"))
                            .relayUrl(relay.url())
                            .name("alice")
                            .invite(m.group(1))
                            .initialize();

            String metrics =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            assertTrue(
                    metrics.contains("cipherline_relay_registrations_total{result=\"ok\"} 1.0"),
                    metrics);
            assertTrue(
                    metrics.contains(
                            "cipherline_relay_registrations_total{result=\"invite-invalid\"} 1.0"),
                    metrics);
            assertTrue(metrics.contains("jvm_gc_collection_seconds"), "the JVM's GC is served");

            Run status = admin(port, "--json", "status");
            assertTrue(status.stdout().contains("\"registration\":\"invite\""), status.toString());
            String account = alice.accountId().value();
            Run devices = admin(port, "device", "list", account);
            assertTrue(
                    devices.stdout().lines().anyMatch(l -> l.startsWith("1 ")), devices.stdout());
            Run revoked = admin(port, "device", "revoke", account);
            assertEquals(0, revoked.exitCode(), revoked.toString());
            Run none = admin(port, "--json", "device", "list", account);
            assertTrue(none.stdout().contains("\"devices\":[]"), none.stdout());
        }
    }
}
