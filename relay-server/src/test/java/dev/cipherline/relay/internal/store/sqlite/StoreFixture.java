package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.internal.store.NoticeStore;
import dev.cipherline.relay.internal.store.StoreSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * A real SQLite store in a temp directory whose futures complete on the calling thread (direct
 * executors), so tests need no waiting.
 */
public final class StoreFixture {
    public static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
    private static final Executor DIRECT = Runnable::run;

    private StoreFixture() {}

    public static SqliteRelayStore open(Path dir, MutableClock clock, int quota)
            throws IOException {
        return open(dir, clock, quota, NoticeStore.MAX_SENT_NOTICES);
    }

    /** As {@link #open(Path, MutableClock, int)}, with another cap of "sent" expiry notices. */
    public static SqliteRelayStore open(Path dir, MutableClock clock, int quota, int maxSentNotices)
            throws IOException {
        return SqliteRelayStore.open(
                dir,
                new StoreSettings(quota, Duration.ofDays(30), maxSentNotices),
                1,
                clock,
                DIRECT,
                DIRECT);
    }

    public static MutableClock clock() {
        return new MutableClock(START);
    }
}
