package dev.cipherline.sdk.internal.client;

import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.RelayTrust;
import dev.cipherline.sdk.internal.store.StoreKeyTable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The checked settings of a client, as collected by {@code ChatClient.Builder}.
 *
 * @param relayUrlsOverride relay URLs replacing the stored ones, or null
 * @param relayTrust the certificates an https relay may present
 * @param appListening whether the app set a listener; only then are incoming messages marked as
 *     handed to the app
 */
public record ClientConfig(
        Path home,
        List<URI> relayUrlsOverride,
        RelayTrust relayTrust,
        ChatListener listener,
        boolean appListening,
        Duration heartbeatInterval,
        Duration reconnectMin,
        Duration reconnectMax,
        Duration sendRetryMin,
        Duration sendRetryMax,
        Clock clock,
        StoreKeyTable.Unlock unlock,
        boolean holdOnIdentityChange) {}
