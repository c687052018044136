package dev.cipherline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

/**
 * Just enough of a relay for {@code init}: answers {@code POST /v1/devices} with {@code 201} and
 * the registration result, as the real relay does for a valid registration. It checks nothing and
 * serves no WebSocket, so a client that tries to connect finds no relay; real relay behaviour is
 * covered by the integration tests, which start the relay process.
 */
final class RegistrationOnlyRelay implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;

    private RegistrationOnlyRelay(HttpServer server) {
        this.server = server;
    }

    static RegistrationOnlyRelay start() throws IOException {
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/devices", RegistrationOnlyRelay::register);
        server.start();
        return new RegistrationOnlyRelay(server);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void register(HttpExchange exchange) throws IOException {
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            JsonNode registration = JSON.readTree(exchange.getRequestBody());
            byte[] body =
                    JSON.writeValueAsBytes(
                            Map.of(
                                    "accountId", registration.get("accountId").asText(),
                                    "deviceId", registration.get("deviceId").asInt()));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
