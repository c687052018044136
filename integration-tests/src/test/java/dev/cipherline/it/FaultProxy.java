package dev.cipherline.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy that breaks the connections it carries on a seeded random schedule.
 *
 * <p>Every accepted connection gets its own {@link Random}, seeded from the proxy's seed and the
 * connection's number, which decides after how many bytes (both directions together) the next fault
 * strikes and which one it is:
 *
 * <ul>
 *   <li>{@link Fault#CUT}: the bytes up to the fault offset are forwarded, so the cut usually falls
 *       inside a WebSocket frame, and both sockets are reset (RST, no FIN);
 *   <li>{@link Fault#STALL}: nothing moves in either direction for a while, then traffic resumes
 *       and the next fault is scheduled;
 *   <li>{@link Fault#BLACK_HOLE}: from then on every byte is read and dropped in both directions,
 *       with the sockets left open, as a dead NAT mapping or a vanished peer would do. Only the
 *       endpoints' own liveness checks (pings, timeouts) end such a connection.
 * </ul>
 *
 * The schedule of each connection is reproducible from the seed; which bytes happen to be in flight
 * when a fault strikes still depends on thread timing.
 */
final class FaultProxy implements AutoCloseable {
    /** What the proxy does to a connection. */
    enum Fault {
        CUT,
        STALL,
        BLACK_HOLE
    }

    /** How often faults strike and how long they last. */
    record Schedule(
            int minBytesBetweenFaults,
            int maxBytesBetweenFaults,
            int cutPercent,
            int stallPercent,
            int minStallMillis,
            int maxStallMillis) {
        Schedule {
            if (minBytesBetweenFaults < 1 || maxBytesBetweenFaults < minBytesBetweenFaults) {
                throw new IllegalArgumentException("bad byte range");
            }
            if (cutPercent < 0 || stallPercent < 0 || cutPercent + stallPercent > 100) {
                throw new IllegalArgumentException("bad fault mix");
            }
        }
    }

    private final ServerSocket server;
    private final int targetPort;
    private final long seed;
    private final Schedule schedule;
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private FaultProxy(ServerSocket server, int targetPort, long seed, Schedule schedule) {
        this.server = server;
        this.targetPort = targetPort;
        this.seed = seed;
        this.schedule = schedule;
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicInteger());
        }
    }

    /** Starts a proxy on a free loopback port in front of {@code 127.0.0.1:targetPort}. */
    static FaultProxy start(int targetPort, long seed, Schedule schedule) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultProxy proxy = new FaultProxy(server, targetPort, seed, schedule);
        Thread acceptor = new Thread(proxy::acceptLoop, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    /** The relay URL clients should use to go through the proxy. */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** How many faults were injected so far, of every kind. */
    int faults() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** How many faults of one kind were injected so far. */
    int faults(Fault kind) {
        return injected.get(kind).get();
    }

    /** How many connections the proxy accepted. */
    int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Link link : links) {
            link.reset();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            int number = connections.incrementAndGet();
            Socket upstream = new Socket();
            try {
                upstream.connect(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            } catch (IOException e) {
                // the relay is down (being restarted): refuse like it would
                abort(client);
                abort(upstream);
                continue;
            }
            Link link = new Link(client, upstream, new Random(seed * 1_000_003L + number));
            links.add(link);
            link.start(number);
        }
    }

    private static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** One proxied connection: two pumps sharing a byte count and a fault schedule. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private final Random random;

        // guarded by this
        private long bytes;
        private long nextFaultAt;
        private long stalledUntil;
        private boolean blackHoled;
        private boolean dead;

        Link(Socket client, Socket upstream, Random random) {
            this.client = client;
            this.upstream = upstream;
            this.random = random;
            this.nextFaultAt = nextGap();
        }

        void start(int number) {
            pump(client, upstream, "fault-proxy-" + number + "-up");
            pump(upstream, client, "fault-proxy-" + number + "-down");
        }

        private long nextGap() {
            return schedule.minBytesBetweenFaults()
                    + random.nextInt(
                            schedule.maxBytesBetweenFaults()
                                    - schedule.minBytesBetweenFaults()
                                    + 1);
        }

        private void pump(Socket from, Socket to, String name) {
            Thread thread =
                    new Thread(
                            () -> {
                                try {
                                    copy(from.getInputStream(), to.getOutputStream());
                                } catch (IOException e) {
                                    // one side went away: take the other down with it
                                }
                                reset();
                            },
                            name);
            thread.setDaemon(true);
            thread.start();
        }

        private void copy(InputStream in, OutputStream out) throws IOException {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                int offset = 0;
                while (offset < n) {
                    int allowed = admit(n - offset);
                    if (allowed < 0) {
                        return; // cut
                    }
                    if (allowed == 0) {
                        break; // black-holed: drop the rest of this read
                    }
                    out.write(buffer, offset, allowed);
                    out.flush();
                    offset += allowed;
                }
            }
        }

        /**
         * How many of {@code wanted} bytes may be forwarded now: 0 if they are dropped, -1 if the
         * connection was cut. Applies stalls by waiting, as part of the fault schedule.
         */
        private int admit(int wanted) {
            long stallMillis;
            synchronized (this) {
                if (dead) {
                    return -1;
                }
                if (blackHoled) {
                    return 0;
                }
                long waitMillis = stalledUntil - System.currentTimeMillis();
                if (waitMillis <= 0 && bytes + wanted <= nextFaultAt) {
                    bytes += wanted;
                    return wanted;
                }
                if (waitMillis <= 0 && bytes < nextFaultAt) {
                    // forward up to the fault offset only, so the fault splits a frame
                    int before = (int) (nextFaultAt - bytes);
                    bytes += before;
                    return before;
                }
                if (waitMillis <= 0) {
                    stallMillis = strike();
                    if (stallMillis < 0) {
                        return blackHoled ? 0 : -1;
                    }
                } else {
                    stallMillis = waitMillis;
                }
            }
            pause(stallMillis);
            return admit(wanted);
        }

        /** Applies the next fault; returns the stall in ms, or -1 for a cut or a black hole. */
        private long strike() {
            nextFaultAt = bytes + nextGap();
            int roll = random.nextInt(100);
            if (roll < schedule.cutPercent()) {
                injected.get(Fault.CUT).incrementAndGet();
                dead = true;
                abort(client);
                abort(upstream);
                return -1;
            }
            if (roll < schedule.cutPercent() + schedule.stallPercent()) {
                injected.get(Fault.STALL).incrementAndGet();
                long millis =
                        schedule.minStallMillis()
                                + random.nextInt(
                                        schedule.maxStallMillis() - schedule.minStallMillis() + 1);
                stalledUntil = System.currentTimeMillis() + millis;
                return millis;
            }
            injected.get(Fault.BLACK_HOLE).incrementAndGet();
            blackHoled = true;
            return -1;
        }

        private void pause(long millis) {
            try {
                Thread.sleep(Math.max(1, millis)); // the stall itself, not a wait for an outcome
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void reset() {
            synchronized (this) {
                dead = true;
            }
            abort(client);
            abort(upstream);
            links.remove(this);
        }
    }
}
