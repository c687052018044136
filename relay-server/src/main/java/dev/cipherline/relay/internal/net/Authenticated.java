package dev.cipherline.relay.internal.net;

import dev.cipherline.relay.internal.store.DeviceAddress;

/** User event: the connection proved it is {@code device}; requests may flow from now on. */
public record Authenticated(DeviceAddress device) {}
