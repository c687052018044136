package dev.cipherline.bench.internal.compare;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import dev.cipherline.bench.internal.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mosquitto as a {@link Messaging} system, spoken to with the HiveMQ MQTT client (MQTT 3.1.1 over
 * WebSocket). A device is a client with a persistent session ({@code cleanSession=false})
 * subscribed with QoS 1 to its own topic {@code cl/d<n>}; a send is a QoS 1 publish to the
 * recipient's topic; accepted is the broker's PUBACK; delivered is the publish's arrival at the
 * subscriber, and the device's ack is the subscriber's PUBACK, sent by the client library once the
 * callback returns. Mosquitto runs from the config of {@link MosquittoConfig}: no persistence, so
 * the queues are in memory only.
 */
public final class MqttMessaging implements Messaging {
    private final ExternalServer server;
    private final int port;
    private final AtomicLong errors = new AtomicLong();
    private int provisioned;

    private MqttMessaging(ExternalServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts a fresh mosquitto on a free loopback port with a config written into a new temporary
     * folder.
     *
     * @throws ExternalServer.MissingBinaryException if mosquitto is not installed
     */
    public static MqttMessaging start() throws Exception {
        Path binary = ExternalServer.find("mosquitto", "mosquitto");
        Path work = Files.createTempDirectory("cipherline-bench-mosquitto-");
        try {
            int port = ExternalServer.freePort();
            int tcpPort = ExternalServer.freePort();
            while (tcpPort == port) {
                tcpPort = ExternalServer.freePort();
            }
            MosquittoConfig config =
                    new MosquittoConfig(port, tcpPort, MosquittoConfig.DEFAULT_INFLIGHT);
            Path file = work.resolve("mosquitto.conf");
            ExternalServer server =
                    ExternalServer.start(
                            "mosquitto",
                            work,
                            "mosquitto.conf",
                            config.render(),
                            List.of(binary.toString(), "-c", file.toString()),
                            port);
            return new MqttMessaging(server, port);
        } catch (Exception e) {
            if (Files.exists(work)) {
                TempDirs.delete(work);
            }
            throw e;
        }
    }

    @Override
    public String system() {
        return "Mosquitto";
    }

    @Override
    public String durability() {
        return "in memory (persistence false): PUBACK once the message is queued in RAM";
    }

    @Override
    public long serverPid() {
        return server.pid();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public List<Endpoint> provision(int count) {
        List<Endpoint> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Device(provisioned++));
        }
        return out;
    }

    @Override
    public CompletableFuture<Peer> connect(Endpoint endpoint, Inbox inbox) {
        Device device = (Device) endpoint;
        Mqtt3AsyncClient client =
                MqttClient.builder()
                        .useMqttVersion3()
                        .identifier(device.clientId())
                        .serverHost("127.0.0.1")
                        .serverPort(port)
                        .webSocketConfig()
                        .serverPath("mqtt")
                        .applyWebSocketConfig()
                        .buildAsync();
        // registered before CONNECT, so that a persistent session's queue reaches the inbox too
        client.publishes(MqttGlobalPublishFilter.ALL, p -> inbox.onMessage(p.getPayloadAsBytes()));
        return client.connectWith()
                .cleanSession(false)
                .keepAlive(60)
                .send()
                .thenCompose(
                        ack ->
                                client.subscribeWith()
                                        .topicFilter(device.topic())
                                        .qos(MqttQos.AT_LEAST_ONCE)
                                        .send())
                .thenApply(subAck -> new Connected(client));
    }

    @Override
    public void close() throws Exception {
        server.close();
    }

    private record Device(int index) implements Endpoint {
        String clientId() {
            return "d" + index;
        }

        String topic() {
            return "cl/d" + index;
        }
    }

    private final class Connected implements Peer {
        private final Mqtt3AsyncClient client;

        Connected(Mqtt3AsyncClient client) {
            this.client = client;
        }

        @Override
        public void send(Endpoint to, byte[] payload, Runnable onAccepted) {
            client.publishWith()
                    .topic(((Device) to).topic())
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload)
                    .send()
                    .whenComplete(
                            (p, e) -> {
                                if (e == null) {
                                    onAccepted.run();
                                } else {
                                    errors.incrementAndGet();
                                }
                            });
        }

        @Override
        public void close() {
            try {
                // wait, so that a device that goes offline is offline before the next step
                client.disconnect().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                errors.incrementAndGet();
            }
        }
    }
}
