package dev.cipherline.bench.internal.relay;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * W4: one {@code send} with a shared {@code body} to {@code recipients} offline devices (one
 * account each, as in a group), repeated; reports the time until {@code accepted} and how much the
 * relay's database grew.
 */
public final class FanOutWorkload {
    /** What to run. */
    public record Options(int recipients, int repeat, int size, Duration timeout) {}

    private final Options o;

    public FanOutWorkload(Options options) {
        this.o = options;
    }

    /** Runs against a fresh relay and returns the fields of its JSON line. */
    public Map<String, Object> run(RelayProcess relay, ClientGroup clients) throws Exception {
        List<BenchDevice> devices =
                new Registrar(relay.url()).register(o.recipients() + 1, o.timeout());
        List<Frame.Recipient> to = new ArrayList<>();
        for (BenchDevice d : devices.subList(1, devices.size())) {
            to.add(d.recipient(null));
        }
        Answers answers = new Answers();
        BenchConnection sender =
                Connections.open(clients, devices.subList(0, 1), i -> answers, o.timeout()).get(0);
        Path db = relay.workDir().resolve("relay-data").resolve("relay.db");
        double[] millis = new double[o.repeat()];
        long[] grew = new long[o.repeat()];
        long files0 = relay.storedBytes();
        try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            for (int r = 0; r < o.repeat(); r++) {
                long pages0 = logicalBytes(reader);
                answers.next = new CompletableFuture<>();
                long t0 = System.nanoTime();
                sender.send(
                        new Frame.Send(
                                "w4-" + r,
                                Kind.MESSAGE,
                                System.currentTimeMillis() + 86_400_000L,
                                Payloads.create(o.size(), 0, r),
                                to));
                Frame answer = answers.next.get(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
                millis[r] = (System.nanoTime() - t0) / 1e6;
                if (!(answer instanceof Frame.Accepted)) {
                    throw new IllegalStateException("the relay answered " + answer);
                }
                grew[r] = logicalBytes(reader) - pages0;
            }
        } finally {
            sender.close();
        }
        long files = relay.storedBytes() - files0;
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        long[] grewSorted = grew.clone();
        Arrays.sort(grewSorted);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("recipients", o.recipients());
        out.put("body_bytes", o.size());
        out.put("sends", o.repeat());
        out.put("relay_ms_first", Latencies.round(millis[0]));
        out.put("relay_ms_median", Latencies.round(sorted[sorted.length / 2]));
        out.put("relay_ms_all", Arrays.stream(millis).map(Latencies::round).toArray());
        out.put("stored_bytes_per_send_median", grewSorted[grewSorted.length / 2]);
        out.put("stored_bytes_per_recipient", grewSorted[grewSorted.length / 2] / o.recipients());
        out.put("data_dir_bytes_grew", files);
        return out;
    }

    /**
     * The database's size as a reader sees it (page count × page size, WAL content included), so
     * the growth is what the relay committed, independent of when it checkpoints.
     */
    private static long logicalBytes(Connection reader) throws java.sql.SQLException {
        try (Statement s = reader.createStatement()) {
            long count;
            long size;
            try (ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                count = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("PRAGMA page_size")) {
                rs.next();
                size = rs.getLong(1);
            }
            return count * size;
        }
    }

    /** Hands the next answer to the waiting send. */
    private static final class Answers implements FrameListener {
        volatile CompletableFuture<Frame> next = new CompletableFuture<>();

        @Override
        public void onFrame(BenchConnection c, Frame frame) {
            if (!(frame instanceof Frame.Synced)) {
                next.complete(frame);
            }
        }
    }
}
