package dev.cipherline.sdk.internal.store;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A write-through cache of decoded rows that is coherent with the {@link Database}'s transactions.
 * A key maps to a value, to "known absent" ({@link Optional#empty()}), or is not cached.
 *
 * <p>What a transaction writes (and what it reads from the file, which may be its own uncommitted
 * write) is staged and visible to that transaction only; it moves into the committed map when the
 * outermost transaction commits and is dropped when it rolls back. Outside a transaction, a row
 * read from the file is committed state and is cached directly. The committed map is bounded (least
 * recently used entries go first). Every method must be called holding the database's lock (from
 * inside {@link Database#read} or {@link Database#transaction}); the listener callbacks are.
 *
 * <p>The values must be treated as immutable by everyone who gets them; the table they mirror must
 * be written only through the owner of this cache.
 */
final class TxCache<K, V> implements Database.Listener {
    /** Staged: "not cached any more" (the next read goes to the file). */
    private static final Object FORGET = new Object();

    private final Database db;
    private final Map<K, Optional<V>> committed;
    private final Map<K, Object> staged = new HashMap<>();

    TxCache(Database db, int capacity) {
        this.db = db;
        this.committed =
                new LinkedHashMap<>(64, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<K, Optional<V>> eldest) {
                        return size() > capacity;
                    }
                };
        db.addListener(this);
    }

    /** The cached value, {@link Optional#empty()} if known absent, or null if not cached. */
    @SuppressWarnings("unchecked")
    Optional<V> get(K key) {
        if (db.inTransaction() && staged.containsKey(key)) {
            Object v = staged.get(key);
            return v == FORGET ? null : (Optional<V>) v;
        }
        return committed.get(key);
    }

    /** Records the value now in the file for {@code key} (null: no row). */
    void put(K key, V value) {
        Optional<V> v = Optional.ofNullable(value);
        if (db.inTransaction()) {
            staged.put(key, v);
        } else {
            committed.put(key, v);
        }
    }

    /** Forgets {@code key}: the next read goes to the file. */
    void forget(K key) {
        if (db.inTransaction()) {
            staged.put(key, FORGET);
        } else {
            committed.remove(key);
        }
    }

    /** Forgets every key that matches, cached or staged. */
    void forgetAll(Predicate<K> which) {
        if (db.inTransaction()) {
            for (K key : committed.keySet()) {
                if (which.test(key)) {
                    staged.put(key, FORGET);
                }
            }
            staged.replaceAll((key, v) -> which.test(key) ? FORGET : v);
        } else {
            committed.keySet().removeIf(which);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void committed() {
        for (Map.Entry<K, Object> e : staged.entrySet()) {
            if (e.getValue() == FORGET) {
                committed.remove(e.getKey());
            } else {
                committed.put(e.getKey(), (Optional<V>) e.getValue());
            }
        }
        staged.clear();
    }

    @Override
    public void rolledBack() {
        staged.clear();
    }

    /** How many committed entries are cached (tests). */
    int size() {
        return committed.size();
    }
}
