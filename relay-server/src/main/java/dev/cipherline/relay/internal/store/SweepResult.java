package dev.cipherline.relay.internal.store;

/** What one expiry sweep deleted. */
public record SweepResult(int entries, int bodies, int sendIds) {}
