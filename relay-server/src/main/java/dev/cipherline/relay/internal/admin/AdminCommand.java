package dev.cipherline.relay.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.protocol.AccountIds;
import dev.cipherline.relay.internal.config.ConfigLoader;
import dev.cipherline.relay.internal.config.RelayOptions;
import dev.cipherline.relay.internal.config.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code java -jar cipherline-relay.jar admin [options] COMMAND}: talks to a running relay's admin
 * listener with the admin token from its data directory. Commands: {@code status}, {@code invite
 * create [--uses N] [--expires DURATION]}, {@code invite list}, {@code invite revoke ID}, {@code
 * device list ACCOUNT_ID}, {@code device revoke ACCOUNT_ID [DEVICE_ID]}. Each prints a table, or
 * with {@code --json} the admin API's JSON answer. Exit codes: 0 done, 1 the relay could not be
 * reached or refused, 2 bad arguments.
 */
public final class AdminCommand {
    /** The usage text printed by {@code admin --help}. */
    public static final String USAGE =
            """
            Usage: java -jar cipherline-relay.jar admin [options] COMMAND

            Talks to a running relay's admin listener, authenticated by the admin token that
            the relay wrote at first start into its data directory (admin.token, mode 0600).

            Commands:
              status                 uptime, open connections, queued entries and bytes,
                                     registration policy
              invite create [--uses N] [--expires DURATION]
                                     a new invite for N registrations (default 1), valid for
                                     DURATION (default 7d; at most 365d); prints its token once
              invite list            every invite: ID, uses left, expiry (never the token)
              invite revoke ID       deletes an invite; registrations with it are refused
              device list ACCOUNT_ID every device of an account: ID, registration time, last
                                     seen, queued entries (never keys or content)
              device revoke ACCOUNT_ID [DEVICE_ID]
                                     deletes a device (or every device of the account) with
                                     its keys and queue, closes its connection on this relay
                                     node, and refuses its logins from then on

            Options:
              --admin URL            the admin listener (default http://127.0.0.1:7401)
              --data DIR             the relay's data directory, for admin.token (default
                                     ./relay-data)
              --config FILE          the relay's config file: take admin-listen and data from
                                     it (and from CIPHERLINE_RELAY_ variables), as the relay
                                     does; --admin and --data still win
              --token-file FILE      the admin token file (default DIR/admin.token)
              --json                 print the admin API's JSON instead of a table
              --help                 print this help and exit

            Exit codes: 0 done, 1 the relay could not be reached or refused, 2 bad arguments.
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final PrintStream err;

    /** A command printing results to {@code out} and errors to {@code err}. */
    public AdminCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** A wrong argument; its message is one sentence for the user. */
    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** The relay refused or failed; its message is one sentence for the user. */
    private static final class FailedException extends Exception {
        FailedException(String message) {
            super(message);
        }
    }

    /**
     * Runs the command given by {@code args} (the words after {@code admin}).
     *
     * @return the exit code
     */
    public int run(List<String> args) {
        try {
            return execute(args);
        } catch (UsageException e) {
            err.println("cipherline-relay admin: " + e.getMessage() + " (see admin --help)");
            return 2;
        } catch (FailedException e) {
            err.println("cipherline-relay admin: " + e.getMessage());
            return 1;
        }
    }

    private int execute(List<String> args) throws UsageException, FailedException {
        URI admin = null;
        Path data = null;
        Path config = null;
        Path tokenFile = null;
        boolean json = false;
        Integer uses = null;
        Duration expires = null;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--json" -> json = true;
                case "--admin" -> admin = url(value(args, ++i, arg));
                case "--data" -> data = Path.of(value(args, ++i, arg));
                case "--config" -> config = Path.of(value(args, ++i, arg));
                case "--token-file" -> tokenFile = Path.of(value(args, ++i, arg));
                case "--uses" -> uses = uses(value(args, ++i, arg));
                case "--expires" -> expires = duration(value(args, ++i, arg));
                default -> {
                    if (arg.startsWith("-")) {
                        throw new UsageException("unknown option " + arg);
                    }
                    words.add(arg);
                }
            }
        }
        if (config != null) {
            Settings relay;
            try {
                relay = ConfigLoader.load(List.of("--config", config.toString()), System.getenv());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage().replaceAll("\\.$", ""));
            }
            if (admin == null) {
                admin = adminOf(relay.get(RelayOptions.ADMIN_LISTEN).orElse(null));
            }
            if (data == null) {
                data = relay.get(RelayOptions.DATA);
            }
        }
        admin = admin == null ? URI.create("http://127.0.0.1:7401") : admin;
        data = data == null ? Path.of("relay-data") : data;
        String command = String.join(" ", words.subList(0, Math.min(2, words.size())));
        boolean isCreate = command.equals("invite create");
        if ((uses != null || expires != null) && !isCreate) {
            throw new UsageException("--uses and --expires belong to invite create");
        }
        Client client =
                new Client(
                        admin,
                        token(tokenFile == null ? data.resolve(AdminToken.FILE_NAME) : tokenFile));
        if (words.equals(List.of("status"))) {
            JsonNode status = client.call("GET", "/v1/admin/status", null);
            print(json, status, AdminCommand::statusTable);
        } else if (isCreate && words.size() == 2) {
            int n = uses == null ? 1 : uses;
            Duration d = expires == null ? Duration.ofDays(7) : expires;
            JsonNode created =
                    client.call(
                            "POST",
                            "/v1/admin/invites",
                            "{\"uses\":" + n + ",\"expiresInSeconds\":" + d.toSeconds() + "}");
            print(json, created, AdminCommand::createdTable);
        } else if (words.equals(List.of("invite", "list"))) {
            JsonNode list = client.call("GET", "/v1/admin/invites", null);
            print(json, list, AdminCommand::inviteTable);
        } else if (command.equals("invite revoke") && words.size() == 3) {
            String id = words.get(2);
            if (!id.matches("[0-9a-f]{16}")) {
                throw new UsageException("an invite ID is 16 hex characters, as invite list shows");
            }
            JsonNode revoked = client.call("DELETE", "/v1/admin/invites/" + id, null);
            print(json, revoked, r -> "revoked invite " + r.path("revoked").asText() + "\n");
        } else if (command.equals("device list") && words.size() == 3) {
            String account = account(words.get(2));
            JsonNode list = client.call("GET", "/v1/admin/accounts/" + account + "/devices", null);
            print(json, list, AdminCommand::deviceTable);
        } else if (command.equals("device revoke") && (words.size() == 3 || words.size() == 4)) {
            String account = account(words.get(2));
            String path = "/v1/admin/accounts/" + account + "/devices";
            if (words.size() == 4) {
                path += "/" + deviceId(words.get(3));
            }
            JsonNode revoked = client.call("DELETE", path, null);
            print(
                    json,
                    revoked,
                    r -> "revoked devices " + r.path("revoked") + " of " + account + "\n");
        } else if (words.isEmpty()) {
            throw new UsageException(
                    "give a command: status, invite create|list|revoke, device list|revoke");
        } else {
            throw new UsageException("unknown command '" + String.join(" ", words) + "'");
        }
        return 0;
    }

    private void print(boolean json, JsonNode answer, Function<JsonNode, String> table) {
        if (json) {
            out.println(answer.toString());
        } else {
            out.print(table.apply(answer));
        }
        out.flush();
    }

    private static String statusTable(JsonNode s) {
        return String.format(
                "uptime        %s%nconnections   %d%nqueued        %d entries, %d bytes%nregistration  %s%n",
                Duration.ofSeconds(s.path("uptimeSeconds").asLong()),
                s.path("connections").asLong(),
                s.path("queueEntries").asLong(),
                s.path("queueBytes").asLong(),
                s.path("registration").asText());
    }

    private static String createdTable(JsonNode c) {
        return String.format(
                "invite %s: %d uses, expires %s%ntoken (shown once): %s%n",
                c.path("id").asText(),
                c.path("uses").asInt(),
                Instant.ofEpochMilli(c.path("expiresAt").asLong()),
                c.path("token").asText());
    }

    private static String inviteTable(JsonNode l) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-16s  %9s  %-24s  %s%n", "ID", "USES LEFT", "EXPIRES", "STATE"));
        for (JsonNode i : l.path("invites")) {
            boolean expired = i.path("expired").asBoolean();
            int left = i.path("usesLeft").asInt();
            b.append(
                    String.format(
                            "%-16s  %4d of %-2d  %-24s  %s%n",
                            i.path("id").asText(),
                            left,
                            i.path("uses").asInt(),
                            Instant.ofEpochMilli(i.path("expiresAt").asLong()),
                            expired ? "expired" : left == 0 ? "used up" : "valid"));
        }
        return b.toString();
    }

    private static String deviceTable(JsonNode l) {
        StringBuilder b = new StringBuilder();
        b.append(
                String.format(
                        "%-6s  %-24s  %-24s  %s%n", "DEVICE", "REGISTERED", "LAST SEEN", "QUEUED"));
        for (JsonNode d : l.path("devices")) {
            long seen = d.path("lastSeen").asLong();
            b.append(
                    String.format(
                            "%-6d  %-24s  %-24s  %d%n",
                            d.path("deviceId").asInt(),
                            Instant.ofEpochMilli(d.path("registeredAt").asLong()),
                            seen == 0 ? "never" : Instant.ofEpochMilli(seen).toString(),
                            d.path("queued").asLong()));
        }
        return b.toString();
    }

    private static String account(String value) throws UsageException {
        try {
            return AccountIds.normalize(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("'" + value + "' is not an account ID");
        }
    }

    private static int deviceId(String value) throws UsageException {
        try {
            int id = Integer.parseInt(value);
            if (id >= 1 && id <= 127) {
                return id;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new UsageException("a device ID is a number 1..127, not '" + value + "'");
    }

    private static String value(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size()) {
            throw new UsageException("option " + option + " needs a value");
        }
        return args.get(i);
    }

    /** The URL of the admin listener at {@code listen} (a wildcard address: loopback). */
    private static URI adminOf(InetSocketAddress listen) throws UsageException {
        if (listen == null) {
            throw new UsageException("the relay's admin listener is off (admin-listen = \"off\")");
        }
        if (listen.getPort() == 0) {
            throw new UsageException(
                    "the relay's admin-listen port is 0 (a free one): give --admin with the port"
                            + " it printed");
        }
        String host = listen.getHostString();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = host.contains(":") ? "::1" : "127.0.0.1";
        }
        return URI.create(
                "http://"
                        + (host.contains(":") ? "[" + host + "]" : host)
                        + ":"
                        + listen.getPort());
    }

    private static URI url(String value) throws UsageException {
        try {
            URI uri = URI.create(value.replaceAll("/+$", ""));
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--admin must be an http URL such as http://127.0.0.1:7401");
        }
    }

    private static int uses(String value) throws UsageException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= Invites.MAX_USES) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new UsageException("--uses must be a whole number 1.." + Invites.MAX_USES);
    }

    private static Duration duration(String value) throws UsageException {
        try {
            Duration d = dev.cipherline.relay.RelayConfig.parseDuration(value);
            if (!d.isNegative() && !d.isZero() && d.compareTo(Invites.MAX_VALIDITY) <= 0) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // the message below
        }
        throw new UsageException(
                "--expires must be a duration such as 12h or 30d, at most 365d, not '"
                        + value
                        + "'");
    }

    private static String token(Path file) throws FailedException {
        try {
            return AdminToken.read(file);
        } catch (NoSuchFileException e) {
            throw new FailedException(
                    "no admin token at "
                            + file
                            + "; give the relay's data directory with --data DIR (or --token-file)");
        } catch (IOException e) {
            throw new FailedException(
                    "cannot read the admin token at " + file + ": " + e.getMessage());
        }
    }

    /** The admin API over HTTP. */
    private static final class Client {
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final URI base;
        private final String token;

        Client(URI base, String token) {
            this.base = base;
            this.token = token;
        }

        JsonNode call(String method, String path, String body) throws FailedException {
            HttpRequest request =
                    HttpRequest.newBuilder(URI.create(base + path))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .method(
                                    method,
                                    body == null
                                            ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofString(body))
                            .build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                throw new FailedException(
                        "cannot reach the admin listener at "
                                + base
                                + " (is the relay running, with --admin-listen there?)");
            } catch (IOException e) {
                throw new FailedException(
                        "the admin listener at " + base + " failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FailedException("interrupted");
            }
            JsonNode answer;
            try {
                answer = JSON.readTree(response.body());
            } catch (IOException e) {
                throw new FailedException(
                        "the admin listener at "
                                + base
                                + " answered HTTP "
                                + response.statusCode()
                                + " without JSON; is this a Cipherline relay's admin port?");
            }
            if (response.statusCode() >= 300) {
                String message = answer.path("message").asText("HTTP " + response.statusCode());
                if (response.statusCode() == 401) {
                    message =
                            "the relay refused the admin token (is it this relay's data directory?)";
                }
                throw new FailedException(message);
            }
            return answer;
        }
    }
}
