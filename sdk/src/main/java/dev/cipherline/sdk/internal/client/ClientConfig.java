package dev.cipherline.sdk.internal.client;

import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.internal.store.StoreKeyTable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The checked settings of a client, as collected by {@code ChatClient.Builder}.
 *
 * @param relayUrlOverride a relay URL replacing the stored one, or null
 * @param appListening whether the app set a listener; only then are incoming messages marked as
 *     handed to the app
 */
public record ClientConfig(
        Path home,
        URI relayUrlOverride,
        ChatListener listener,
        boolean appListening,
        Duration heartbeatInterval,
        Duration reconnectMin,
        Duration reconnectMax,
        Duration sendRetryMin,
        Duration sendRetryMax,
        Clock clock,
        StoreKeyTable.Unlock unlock) {}
