package dev.cipherline.relay.internal.store;

/**
 * What every queue holds together, at one moment.
 *
 * @param entries queue entries (one per recipient device of a stored envelope)
 * @param bytes ciphertext bytes stored for them, a shared body counted once
 */
public record QueueTotals(long entries, long bytes) {}
