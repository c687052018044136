package dev.cipherline.sdk.internal.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Records, for every outermost commit of a store, whether it was synced to disk on its own before
 * its transaction returned (FULL) or left for a later synced commit to cover (NORMAL).
 */
public final class CommitLog implements Database.Listener {
    public static final String FULL = "FULL";
    public static final String NORMAL = "NORMAL";

    private final Database db;
    private final List<String> commits = new ArrayList<>();

    private CommitLog(Database db) {
        this.db = db;
    }

    /** Starts recording the commits of {@code db}. */
    public static CommitLog of(Database db) {
        CommitLog log = new CommitLog(db);
        db.addListener(log);
        return log;
    }

    @Override
    public void committed() {
        // called under the store's lock, right after the commit
        String mode = db.committingDurably() ? FULL : NORMAL;
        synchronized (commits) {
            commits.add(mode);
        }
    }

    @Override
    public void rolledBack() {}

    /** The commits so far, oldest first. */
    public List<String> commits() {
        synchronized (commits) {
            return List.copyOf(commits);
        }
    }

    /** Forgets the commits so far. */
    public void clear() {
        synchronized (commits) {
            commits.clear();
        }
    }
}
