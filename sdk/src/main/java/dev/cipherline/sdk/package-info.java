/**
 * The Cipherline SDK: an end-to-end encrypted chat client built on libsignal. Start with {@link
 * dev.cipherline.sdk.ChatClient}.
 *
 * <h2>Using it</h2>
 *
 * Create an identity once per device with {@link dev.cipherline.sdk.ChatClient#initialize}, then
 * open one long-lived client with {@link dev.cipherline.sdk.ChatClient#builder()}, give it a {@link
 * dev.cipherline.sdk.ChatListener}, and close it when the app stops. The client's calls are
 * grouped: messaging on the client itself ({@code send}, {@code markRead}, {@code sendTyping},
 * {@code conversations}), and {@link dev.cipherline.sdk.ChatClient#contacts() contacts()}, {@link
 * dev.cipherline.sdk.ChatClient#groups() groups()}, {@link dev.cipherline.sdk.ChatClient#history()
 * history()} and {@link dev.cipherline.sdk.ChatClient#verification() verification()}.
 *
 * <p>Every call addresses an account by {@link dev.cipherline.sdk.AccountId} and a group by {@link
 * dev.cipherline.sdk.GroupId}. Text a person typed becomes one through exactly one resolver each:
 * {@link dev.cipherline.sdk.Contacts#resolve} and {@link dev.cipherline.sdk.Groups#resolve}.
 *
 * <h2>A message's states</h2>
 *
 * <pre>
 *   send() ──▶ PENDING ──relay accepted──▶ SENT ──receipt──▶ DELIVERED ──receipt──▶ READ
 *                 │  ▲
 *                 │  └── disconnect / retryable error: retried with backoff, same message ID
 *                 └──permanent failure──▶ FAILED
 * </pre>
 *
 * States only move forward and are stored, so they survive restarts; the {@link
 * dev.cipherline.sdk.OutgoingMessage} handle and {@link
 * dev.cipherline.sdk.ChatListener#onMessageState} report them. Group messages stop at {@code SENT};
 * {@link dev.cipherline.sdk.Groups#readState} counts their receipts instead.
 *
 * <h2>The connection's states</h2>
 *
 * <pre>
 *   build() ──▶ CONNECTING ──open──▶ AUTHENTICATING ──auth-ok──▶ CONNECTED
 *                  ▲                      │                          │
 *                  └──backoff── DISCONNECTED ◀──────failure──────────┘
 *                                         │
 *   auth refused (close 4001) ────────────┘ stays DISCONNECTED, reported as AUTH_FAILED
 *   close() from any state ──▶ CLOSED
 * </pre>
 *
 * The client connects and reconnects by itself; {@link
 * dev.cipherline.sdk.ChatListener#onConnectionState} reports each change.
 *
 * <h2>Threads</h2>
 *
 * Every method of the client and of its groups of calls is thread-safe, and only {@link
 * dev.cipherline.sdk.ChatClient#initialize} and {@link dev.cipherline.sdk.ChatClient#flush} block
 * on the network. The listener is called on one SDK thread, {@code cipherline-events}, one callback
 * at a time, in the order the events happened; {@link dev.cipherline.sdk.ChatListener#onClosed()}
 * is the last one. The futures of {@link dev.cipherline.sdk.OutgoingMessage#accepted()} and {@link
 * dev.cipherline.sdk.ChatClient#synced()} complete on SDK threads too: hand long work to your own
 * executor. The client owns its threads and stops them in {@link
 * dev.cipherline.sdk.ChatClient#close()}.
 *
 * <h2>What is API</h2>
 *
 * This package only. Every parameter, return value and record component in it is non-null unless it
 * is marked {@link dev.cipherline.sdk.Nullable}. No libsignal, OkHttp, JDBC or Jackson type appears
 * in it (a test fails the build if one does). Everything in {@code dev.cipherline.sdk.internal},
 * and the {@code protocol} and {@code crypto} modules, is implementation: it is not documented here
 * and may change in any release.
 */
package dev.cipherline.sdk;
