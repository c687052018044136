package dev.cipherline.bench.internal.compare;

import dev.cipherline.bench.internal.relay.BenchConnection;
import dev.cipherline.bench.internal.relay.BenchDevice;
import dev.cipherline.bench.internal.relay.ClientGroup;
import dev.cipherline.bench.internal.relay.FrameListener;
import dev.cipherline.bench.internal.relay.Registrar;
import dev.cipherline.bench.internal.relay.RelayProcess;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cipherline's relay as a {@link Messaging} system: a device is a registered single-device account,
 * a send is a {@code send} frame to one recipient device, accepted is the relay's {@code accepted}
 * (after the synced commit), delivered is a {@code deliver} frame and the device's ack is an {@code
 * ack} frame.
 *
 * <p>Two client modes. {@link ClientMode#SDK_LIKE} behaves like the SDK's transport: every frame is
 * written and flushed on its own, nothing is batched across messages, and the seqs delivered by one
 * socket read are acknowledged together in one {@code ack} frame once that read is handled. {@link
 * ClientMode#LEAN} is the load generator's own: frames written while a read is handled (the next
 * sends of a window, one {@code ack} per delivery) leave together in one flush.
 */
public final class CipherlineMessaging implements Messaging {
    /** How the client writes. */
    public enum ClientMode {
        SDK_LIKE("sdk-like"),
        LEAN("lean");

        private final String label;

        ClientMode(String label) {
            this.label = label;
        }

        /** The mode's name on the command line and in the table. */
        public String label() {
            return label;
        }
    }

    /**
     * The relay's per-device limit for the comparison: far above any workload here, because W2's
     * backlog of 30,000 from one device would otherwise meet the default burst of 10,000 (Mosquitto
     * and NATS, as configured, limit nothing). Given {@code --rate-limit} relay arguments win.
     */
    static final List<String> NO_DEVICE_LIMIT = List.of("--rate-limit", "1000000/s:1000000");

    private final RelayProcess relay;
    private final ClientGroup clients;
    private final Thread stopper;
    private final ClientMode mode;
    private final Duration timeout;
    private final AtomicLong errors = new AtomicLong();
    private int provisioned;

    private CipherlineMessaging(
            RelayProcess relay, ClientGroup clients, ClientMode mode, Duration timeout) {
        this.relay = relay;
        this.clients = clients;
        this.mode = mode;
        this.timeout = timeout;
        long pid = relay.pid();
        this.stopper =
                new Thread(
                        () -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly),
                        "relay-stopper");
        Runtime.getRuntime().addShutdownHook(stopper);
    }

    /** Starts a fresh relay process (see {@link RelayProcess#start}) and a client group for it. */
    public static CipherlineMessaging start(
            Path relayJar,
            List<String> relayJvm,
            List<String> relayArgs,
            int clientThreads,
            ClientMode mode,
            Duration timeout)
            throws Exception {
        List<String> args = new ArrayList<>();
        if (!relayArgs.contains("--rate-limit")) {
            args.addAll(NO_DEVICE_LIMIT);
        }
        args.addAll(relayArgs);
        RelayProcess relay = RelayProcess.start(relayJar, relayJvm, args);
        try {
            return new CipherlineMessaging(
                    relay,
                    new ClientGroup(relay.url(), clientThreads, mode == ClientMode.SDK_LIKE),
                    mode,
                    timeout);
        } catch (RuntimeException e) {
            relay.close();
            throw e;
        }
    }

    @Override
    public String system() {
        return "Cipherline";
    }

    @Override
    public String durability() {
        return "accepted after the batch holding it is committed and synced (SQLite WAL,"
                + " synchronous=FULL); "
                + mode.label()
                + " client";
    }

    @Override
    public long serverPid() {
        return relay.pid();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public List<Endpoint> provision(int count) throws Exception {
        List<BenchDevice> devices = new Registrar(relay.url()).register(count, timeout);
        List<Endpoint> out = new ArrayList<>(count);
        for (BenchDevice d : devices) {
            out.add(new Device(provisioned++, d));
        }
        return out;
    }

    @Override
    public CompletableFuture<Peer> connect(Endpoint device, Inbox inbox) {
        Listener listener = new Listener(inbox);
        return clients.connect(((Device) device).device(), listener)
                .thenApply(
                        c -> {
                            listener.connection = c;
                            return listener;
                        });
    }

    @Override
    public void close() throws Exception {
        try {
            clients.close();
        } finally {
            relay.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    private record Device(int index, BenchDevice device) implements Endpoint {}

    /** One connected device: its pending sends and the acks it owes. */
    private final class Listener implements FrameListener, Peer {
        private final Inbox inbox;
        private final Map<String, Runnable> pending = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();
        // touched only on the connection's event loop
        private final List<Long> unacked = new ArrayList<>();
        volatile BenchConnection connection;

        Listener(Inbox inbox) {
            this.inbox = inbox;
        }

        @Override
        public void send(Endpoint to, byte[] payload, Runnable onAccepted) {
            String id = "c" + ids.incrementAndGet();
            pending.put(id, onAccepted);
            connection.send(
                    new Frame.Send(
                            id,
                            Kind.MESSAGE,
                            System.currentTimeMillis() + 86_400_000L,
                            null,
                            List.of(((Device) to).device().recipient(payload))));
        }

        @Override
        public void close() {
            connection.close();
        }

        @Override
        public void onFrame(BenchConnection c, Frame frame) {
            if (frame instanceof Frame.Deliver d) {
                inbox.onMessage(d.ciphertext());
                if (mode == ClientMode.SDK_LIKE) {
                    unacked.add(d.seq());
                } else {
                    c.send(new Frame.Ack(List.of(d.seq())));
                }
            } else if (frame instanceof Frame.ErrorFrame e) {
                // a refused send is never accepted: count it, so the run reports it
                if (e.ref() != null) {
                    pending.remove(e.ref());
                }
                errors.incrementAndGet();
            } else if (frame instanceof Frame.Accepted a) {
                Runnable r = pending.remove(a.clientMsgId());
                if (r != null) {
                    r.run();
                } else {
                    errors.incrementAndGet();
                }
            } else if (!(frame instanceof Frame.Synced)) {
                errors.incrementAndGet();
            }
        }

        @Override
        public void onReadComplete(BenchConnection c) {
            if (!unacked.isEmpty()) {
                c.send(new Frame.Ack(List.copyOf(unacked)));
                unacked.clear();
            }
        }
    }
}
