package dev.cipherline.relay.internal.store;

/** How many one-time prekeys of each kind a device has left on the relay. */
public record PreKeyCounts(int ecPreKeys, int kyberPreKeys) {}
