package dev.cipherline.sdk.internal.client;

import dev.cipherline.sdk.ChatListener;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The checked settings of a client, as collected by {@code ChatClient.Builder}.
 *
 * @param relayUrlOverride a relay URL replacing the stored one, or null
 */
public record ClientConfig(
        Path home,
        URI relayUrlOverride,
        ChatListener listener,
        Duration heartbeatInterval,
        Duration reconnectMin,
        Duration reconnectMax,
        Duration sendRetryMin,
        Duration sendRetryMax,
        Clock clock) {}
