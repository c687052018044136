package dev.cipherline.sdk;

import dev.cipherline.crypto.StoreKeys;
import dev.cipherline.sdk.internal.client.ClientConfig;
import dev.cipherline.sdk.internal.client.ClientCore;
import dev.cipherline.sdk.internal.registration.Registrar;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.StoreKeyTable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An end-to-end encrypted chat client for one device of one account. Create the identity once with
 * {@link #initialize}, then open a long-lived client with {@link #builder()}; close it when done.
 * All methods are thread-safe.
 *
 * <p>Messaging is on the client itself ({@link #send}, {@link #markRead}, {@link #sendTyping},
 * {@link #conversations()}); the rest is grouped: {@link #contacts()}, {@link #groups()}, {@link
 * #history()} and {@link #verification()}. Accounts and groups are addressed by {@link AccountId}
 * and {@link GroupId}; {@link Contacts#resolve} and {@link Groups#resolve} turn what a person typed
 * into one.
 *
 * <p>The client keeps everything in one SQLite file, {@code <home>/cipherline.db}: the identity,
 * libsignal sessions and prekeys, contacts, the message history and the outbox. It connects to the
 * relay in the background and keeps reconnecting with backoff; no method blocks on the network
 * except {@link #initialize} and {@link #flush}.
 *
 * <h2>Outgoing messages</h2>
 *
 * <pre>
 *   send() ──▶ PENDING ──relay accepted──▶ SENT ──receipt──▶ DELIVERED ──receipt──▶ READ
 *                 │  ▲
 *                 │  └── disconnect / retryable error: retried with backoff, same message ID
 *                 └──permanent failure──▶ FAILED
 * </pre>
 *
 * {@link #send} stores the message and an outbox entry in one transaction and returns. A single
 * outbox worker sends entries in order per recipient whenever the client is connected, fetching and
 * verifying key bundles as needed. Retries reuse the message ID, so the relay stores a message at
 * most once even across process restarts. {@code FAILED} is final: an unknown recipient, an
 * envelope over the size limit, or a key bundle whose identity key does not match the recipient's
 * account ID.
 *
 * <p>States only move forward and are stored, so they survive restarts; {@link
 * ChatListener#onMessageState} is told of each change. {@code DELIVERED} and {@code READ} come from
 * end-to-end encrypted receipts: the recipient's SDK sends a delivery receipt once it stored the
 * message, and a read receipt when its app calls {@link #markRead}. Receipts travel through the
 * outbox like messages, batched (one receipt acknowledges many messages), but never appear in the
 * history, never cause receipts themselves, and a duplicate changes nothing.
 *
 * <h2>Connection</h2>
 *
 * <pre>
 *   build() ──▶ CONNECTING ──open──▶ AUTHENTICATING ──auth-ok──▶ CONNECTED
 *                  ▲                      │                          │
 *                  └──backoff── DISCONNECTED ◀──────failure──────────┘
 *                                         │
 *   auth refused (close 4001) ────────────┘ stays DISCONNECTED, reported as AUTH_FAILED
 *   TLS certificate refused: DISCONNECTED, reported as RELAY_UNTRUSTED, retried with backoff
 *   close() from any state ──▶ CLOSED
 * </pre>
 *
 * <h2>Incoming messages</h2>
 *
 * Each delivered envelope is checked for duplicates, decrypted, checked against its authenticated
 * inner header, committed to the store and then acknowledged to the relay, so an acknowledged
 * message is never lost. The app receives each message exactly once, in the sender's order, through
 * {@link ChatListener#onMessage}; messages stored but not yet handed over when the process stopped
 * are handed over first on the next {@link Builder#build()}.
 *
 * <p>Each conversation keeps an unread count and a read watermark, updated with every message, so
 * {@link #conversations()} is cheap for hundreds of conversations. {@link #markRead} moves the
 * watermark to the newest incoming message, sets the count to 0 and queues a read receipt. Typing
 * indicators ({@link #sendTyping}, {@link ChatListener#onTyping}) are ephemeral: the relay forwards
 * them to connected devices only and nobody stores them.
 *
 * <h2>Threads</h2>
 *
 * The listener is called on one thread, {@code cipherline-events}, in order. The client owns its
 * threads ({@code cipherline-inbound}, {@code cipherline-outbox}, {@code cipherline-timer}, the
 * events thread and OkHttp's dispatcher) and stops them in {@link #close()}.
 *
 * <p>Why one class of about 700 lines: it is the SDK's whole public face, and most of it is the
 * contract in javadoc; every method delegates to the internal {@code ClientCore} in a few lines.
 */
public final class ChatClient implements AutoCloseable {
    private final ClientCore core;
    private final Groups groups;
    private final History history;
    private final Verification verification;
    private final Devices devices;

    private ChatClient(ClientCore core) {
        this.core = core;
        this.groups = new Groups(core);
        this.history = new History(core);
        this.verification = new Verification(core);
        this.devices = new Devices(core.linkSender(), core.whoami().deviceId(), core::renameDevice);
    }

    /**
     * Creates a new identity in {@code home}, registers it as device 1 with the relay and stores
     * it. Registration uploads a signed prekey, a last-resort Kyber prekey and 100 one-time prekeys
     * of each kind; nothing is stored unless the relay accepted the registration. Blocking.
     *
     * @param home the folder for the client's data; created if missing
     * @param relayUrl the relay's base URL, e.g. {@code https://relay.example.org} or {@code
     *     http://127.0.0.1:7400}; {@code wss://} and {@code ws://} mean the same as {@code
     *     https://} and {@code http://}. An https relay must present a certificate the platform
     *     trusts; see the form taking a {@link RelayTrust} for a private CA or pinning
     * @param name an optional display name, kept locally
     * @return the new account
     * @throws ChatException ALREADY_INITIALIZED if {@code home} holds an identity;
     *     RELAY_UNREACHABLE if the relay cannot be reached; REJECTED if it refused the
     *     registration; RELAY_UNTRUSTED if its TLS certificate was refused; INVALID_ARGUMENT if the
     *     URL is not http, https, ws or wss; IN_USE if a client has a store in {@code home} open;
     *     STORE_FAILURE if the store cannot be written
     */
    public static AccountInfo initialize(Path home, URI relayUrl, @Nullable String name) {
        return initialize(home, relayUrl, name, StoreProtection.none());
    }

    /**
     * {@link #initialize(Path, URI, String)} with the local store protected by {@code protection}
     * (see {@link StoreProtection}); open it later with the same protection ({@link
     * Builder#protection}).
     */
    public static AccountInfo initialize(
            Path home, URI relayUrl, @Nullable String name, StoreProtection protection) {
        Objects.requireNonNull(relayUrl, "relayUrl");
        return initialize(home, List.of(relayUrl), name, protection);
    }

    /**
     * {@link #initialize(Path, URI, String, StoreProtection)} for a relay cluster: {@code
     * relayUrls} are the URLs of its nodes (1 to 16), which share one store. Registration goes to
     * the first node that answers, and the client later connects to the first and moves to the next
     * one (round the list, with the reconnect backoff) whenever its connection fails, without
     * registering again.
     *
     * @throws ChatException as the single-URL form; RELAY_UNREACHABLE only if no node could be
     *     reached; INVALID_ARGUMENT also for an empty list, more than 16 URLs or a URL given twice
     */
    public static AccountInfo initialize(
            Path home, List<URI> relayUrls, @Nullable String name, StoreProtection protection) {
        return initialize(home, relayUrls, name, protection, RelayTrust.system());
    }

    /**
     * {@link #initialize(Path, List, String, StoreProtection)} with the registration's TLS checked
     * against {@code trust}: a private CA, pinned keys, or both. The trust is not stored: give the
     * same one to {@link Builder#relayTrust} for every client on this home.
     *
     * @throws ChatException as that form; RELAY_UNTRUSTED if no node could be reached and a node's
     *     certificate was refused (the message says why)
     */
    public static AccountInfo initialize(
            Path home,
            List<URI> relayUrls,
            @Nullable String name,
            StoreProtection protection,
            RelayTrust trust) {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(relayUrls, "relayUrls");
        Objects.requireNonNull(protection, "protection");
        Objects.requireNonNull(trust, "trust");
        return Registrar.initialize(
                home, relayUrls, name, protection.unlock(), null, trust, Clock.systemUTC());
    }

    /**
     * A builder for {@link #initialize}'s work with every option named, including an invite for a
     * relay that admits registrations with an invite only.
     */
    public static Initializer initializer() {
        return new Initializer();
    }

    /**
     * A builder that links a new device (this home folder) to an existing account: it shows a link
     * URI that an existing device answers with {@link Devices#link(String)}.
     */
    public static Linker linker() {
        return new Linker();
    }

    /**
     * Changes how the store in {@code home} is protected (a new passphrase, or another kind): the
     * data key is unwrapped with {@code current} and wrapped again with {@code next}; no message or
     * key is re-encrypted, so it takes as long as one or two Argon2id derivations. No client may
     * have the store open.
     *
     * @throws ChatException LOCKED if {@code current} does not open the store; NOT_INITIALIZED if
     *     {@code home} holds no identity; IN_USE if a client has the store open; STORE_FAILURE
     */
    public static void changeProtection(Path home, StoreProtection current, StoreProtection next) {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(next, "next");
        if (!Database.holdsIdentity(home)) {
            throw new ChatException(
                    ChatException.Reason.NOT_INITIALIZED,
                    "the folder " + home + " holds no identity");
        }
        try (Database db = Database.open(home)) {
            db.keys().rewrap(current.unlock(), next.unlock(), StoreKeys.Argon2Cost.DEFAULT);
        }
    }

    /**
     * Whether {@code home} holds an identity.
     *
     * @throws ChatException STORE_FAILURE if the store exists but cannot be read; IN_USE if a
     *     client has it open
     */
    public static boolean isInitialized(Path home) {
        Objects.requireNonNull(home, "home");
        return Database.holdsIdentity(home);
    }

    /**
     * Whether the store in {@code home} was created with {@link StoreProtection#passphrase}, so a
     * passphrase must be asked for before opening it. Reads no secret.
     *
     * @throws ChatException NOT_INITIALIZED if {@code home} holds no identity; IN_USE if a client
     *     has the store open; STORE_FAILURE
     */
    public static boolean requiresPassphrase(Path home) {
        Objects.requireNonNull(home, "home");
        return protectionOf(home) == StoreKeyTable.Scheme.PASSPHRASE;
    }

    /**
     * Whether the store in {@code home} was created with {@link StoreProtection#appKey}.
     *
     * @throws ChatException NOT_INITIALIZED if {@code home} holds no identity; IN_USE if a client
     *     has the store open; STORE_FAILURE
     */
    public static boolean requiresAppKey(Path home) {
        Objects.requireNonNull(home, "home");
        return protectionOf(home) == StoreKeyTable.Scheme.APP_KEY;
    }

    private static StoreKeyTable.Scheme protectionOf(Path home) {
        if (!Database.holdsIdentity(home)) {
            throw new ChatException(
                    ChatException.Reason.NOT_INITIALIZED,
                    "the folder " + home + " holds no identity");
        }
        try (Database db = Database.open(home)) {
            // a store from before encryption at rest gets its key on the next open
            return db.keys().scheme().orElse(StoreKeyTable.Scheme.NONE);
        }
    }

    /** A builder for a client over an initialized home folder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The local account. */
    public AccountInfo whoami() {
        return core.whoami();
    }

    /** The local address book, and {@link Contacts#resolve} for names or IDs a person typed. */
    public Contacts contacts() {
        return core.contacts();
    }

    /** Groups: create, change, send to, page, mark read; {@link Groups#resolve} for typed text. */
    public Groups groups() {
        return groups;
    }

    /** The stored history of 1:1 conversations: paging, search, deleting this device's copy. */
    public History history() {
        return history;
    }

    /** Safety numbers, verification marks and contacts that changed identity. */
    public Verification verification() {
        return verification;
    }

    /** The account's devices: list, remove, and link a new one. */
    public Devices devices() {
        return devices;
    }

    /**
     * Queues a text message to {@code to} and returns at once. The message and its outbox entry are
     * stored in one transaction, so it is sent even if the process stops right after this returns.
     * That commit is not synced to disk on its own (it is with the outbox's next commit, before
     * anything is sent): if power fails before it, the message disappears, never having reached the
     * relay. Never blocks on the network. To send to a contact by name, resolve it first: {@code
     * send(client.contacts().resolve("bob"), text)}.
     *
     * @return the message's handle, whose state starts {@code PENDING}
     * @throws ChatException INVALID_ARGUMENT if {@code to} is this account; STORE_FAILURE; CLOSED
     */
    public OutgoingMessage send(AccountId to, String text) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(text, "text");
        return core.send(to.value(), text);
    }

    /**
     * Marks the conversation with {@code peer} read up to its newest incoming message: those
     * messages become {@link MessageState#READ} in the history, the conversation's unread count
     * drops to 0 and its read watermark moves to the newest message, all in one transaction. A read
     * receipt carrying their IDs is queued in the outbox (in batches of at most 500 IDs) and sent
     * in the background. Calling it again with nothing new does nothing. Never blocks on the
     * network. If this account has other devices, a read sync goes to them in the same transaction:
     * they mark the same messages read without sending read receipts of their own ({@link
     * ChatListener#onReadOnOtherDevice}).
     *
     * @return how many messages were newly marked read
     * @throws ChatException STORE_FAILURE; CLOSED
     */
    public int markRead(AccountId peer) {
        Objects.requireNonNull(peer, "peer");
        return core.markRead(peer);
    }

    /**
     * Sets the disappearing-message timer of the conversation with {@code peer}: from now on, the
     * messages of the conversation are deleted from every device's store {@code timer} after they
     * were read (incoming) or sent (outgoing, counted from when this account sent it, once the
     * relay accepted it), and the relay keeps them at most that long. {@link Duration#ZERO} turns
     * it off (messages already stored under a timer still disappear). The setting is end-to-end
     * encrypted and goes to every device of {@code peer} and to this account's other devices; both
     * sides get a history note ("alice set messages to disappear after 1 hour"). If both sides set
     * it at about the same time, every device keeps the setting made last (by the setter's clock).
     * Never blocks on the network.
     *
     * @param timer zero (off) or 1 second .. 365 days, in whole seconds
     * @throws ChatException INVALID_ARGUMENT if {@code timer} is out of range or {@code peer} is
     *     this account; STORE_FAILURE; CLOSED
     */
    public void setDisappearingTimer(AccountId peer, Duration timer) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(timer, "timer");
        core.setTimer(peer, timer);
    }

    /**
     * The disappearing-message timer of the conversation with {@code peer}, as set on either side
     * ({@link #setDisappearingTimer}); {@link Duration#ZERO} when it is off. Reads the local store.
     */
    public Duration disappearingTimer(AccountId peer) {
        Objects.requireNonNull(peer, "peer");
        return core.timer(peer);
    }

    /**
     * Tells {@code to} that this user started ({@code true}) or stopped ({@code false}) typing.
     * Best effort and never blocking: the indicator is encrypted on the session with each of {@code
     * to}'s devices (advancing it like a message) and sent as an ephemeral envelope, which the
     * relay forwards only to devices connected at that moment and never stores. It is dropped when
     * this client is not connected or has never exchanged a message with {@code to}. Apps repeat
     * {@code true} every few seconds while the user types.
     *
     * @throws ChatException INVALID_ARGUMENT if {@code to} is this account; CLOSED
     */
    public void sendTyping(AccountId to, boolean typing) {
        Objects.requireNonNull(to, "to");
        core.sendTyping(to.value(), typing);
    }

    /**
     * A future that completes when the relay has sent {@code synced} on the current connection: the
     * backlog queued for this device was delivered and handed to the listener. If the client is
     * closed first it completes exceptionally with {@link ChatException.Reason#CLOSED}.
     */
    public CompletableFuture<Void> synced() {
        return core.synced();
    }

    /** The current state of the connection to the relay. */
    public ConnectionState connectionState() {
        return core.connectionState();
    }

    /**
     * Every conversation that has a message, most recent activity first, with its unread count and
     * read watermark. Reads one stored row per conversation.
     */
    public List<Conversation> conversations() {
        return core.conversations();
    }

    /**
     * Waits until every outbox entry (messages and the receipts this client owes) was accepted by
     * the relay or failed, or until the timeout.
     *
     * @return how many outbox entries are still pending (0 when everything was sent)
     */
    public int flush(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return core.flush(timeout);
    }

    /**
     * Closes the connection, stops the client's threads and closes the store. Messages still
     * pending stay in the outbox for the next start. Idempotent; {@link ChatListener#onClosed()} is
     * the last callback.
     */
    @Override
    public void close() {
        core.close();
    }

    /**
     * Configures and opens a {@link ChatClient}. Every value is checked when it is set; {@link
     * #home} is required.
     */
    public static final class Builder {
        private Path home;
        private List<URI> relayUrls;
        private RelayTrust relayTrust = RelayTrust.system();
        private ChatListener listener;
        private boolean handOverMessages = true;
        private Duration heartbeatInterval = Duration.ofSeconds(25);
        private Duration reconnectMin = Duration.ofMillis(250);
        private Duration reconnectMax = Duration.ofSeconds(30);
        private Duration sendRetryMin = Duration.ofMillis(250);
        private Duration sendRetryMax = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private StoreProtection protection = StoreProtection.none();
        private boolean holdOnIdentityChange;

        private Builder() {}

        /** The folder holding the client's data (required). */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home");
            return this;
        }

        /**
         * A relay URL to use instead of the ones stored at initialization ({@code ws://} and {@code
         * wss://} mean {@code http://} and {@code https://}).
         *
         * @throws ChatException INVALID_ARGUMENT if it is not an http, https, ws or wss URL
         */
        public Builder relayUrl(URI url) {
            return relayUrls(List.of(Objects.requireNonNull(url, "url")));
        }

        /**
         * The URLs of a relay cluster's nodes, to use instead of the ones stored at initialization:
         * the client connects to the first and moves to the next one whenever its connection fails.
         *
         * @throws ChatException INVALID_ARGUMENT for an empty list, more than 16 URLs, a URL given
         *     twice or one that is not http, https, ws or wss
         */
        public Builder relayUrls(List<URI> urls) {
            this.relayUrls = Registrar.checkRelayUrls(Objects.requireNonNull(urls, "urls"));
            return this;
        }

        /**
         * Which certificates an https relay may present (default {@link RelayTrust#system()}): a
         * private CA instead of the platform's, and pinned keys. A refused certificate is reported
         * to {@link ChatListener#onError} as RELAY_UNTRUSTED, with the reason, and the client keeps
         * retrying with the reconnect backoff.
         */
        public Builder relayTrust(RelayTrust trust) {
            this.relayTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * Who receives the client's events. Without a listener nobody is told of anything, and
         * incoming messages are stored in the history but stay "not yet seen by the app": the next
         * client built with a listener is handed them. So a send-only tool cannot swallow messages.
         */
        public Builder listener(ChatListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Whether incoming messages are handed to the listener (and so marked as seen by the app);
         * default true. A send-only tool that listens only for connection events turns this off:
         * messages arriving meanwhile are stored and acknowledged, and the next client that hands
         * messages over delivers them to its listener.
         */
        public Builder handOverMessages(boolean handOver) {
            this.handOverMessages = handOver;
            return this;
        }

        /**
         * How often to ping the relay on an idle connection, to detect dead connections and keep
         * NAT mappings alive. Default 25 seconds, below common NAT timeouts.
         *
         * @throws ChatException INVALID_ARGUMENT if not positive
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = positive(interval, "heartbeat interval");
            return this;
        }

        /**
         * The delay before reconnecting after a failure: it starts at {@code min}, doubles per
         * failed attempt up to {@code max}, and is randomized (jitter). Default 250 ms .. 30 s.
         *
         * @throws ChatException INVALID_ARGUMENT if either is not positive or min is above max
         */
        public Builder reconnectBackoff(Duration min, Duration max) {
            checkRange(min, max, "reconnect backoff");
            this.reconnectMin = min;
            this.reconnectMax = max;
            return this;
        }

        /**
         * The delay before sending a message again after a retryable failure, growing like {@link
         * #reconnectBackoff}. Default 250 ms .. 60 s.
         *
         * @throws ChatException INVALID_ARGUMENT if either is not positive or min is above max
         */
        public Builder sendRetryBackoff(Duration min, Duration max) {
            checkRange(min, max, "send retry backoff");
            this.sendRetryMin = min;
            this.sendRetryMax = max;
            return this;
        }

        /** The clock for message times and expiry; default the system clock in UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Whether messages to a contact whose identity changed ({@link
         * Verification#changeIdentity}) wait until the user accepts the change (default: false,
         * they are sent to the new account at once).
         */
        public Builder holdOnIdentityChange(boolean hold) {
            this.holdOnIdentityChange = hold;
            return this;
        }

        /**
         * How the store is protected; it must be the kind it was created with ({@link
         * StoreProtection#none()} if not set). A wrong passphrase makes {@link #build} fail with
         * LOCKED.
         */
        public Builder protection(StoreProtection protection) {
            this.protection = Objects.requireNonNull(protection, "protection");
            return this;
        }

        /**
         * Opens the store, hands every stored message not yet handed to the app to the listener,
         * and starts connecting in the background. Never blocks on the network. The client holds
         * the store until {@link ChatClient#close}: a store admits one client at a time.
         *
         * @throws ChatException INVALID_ARGUMENT if no home was set; NOT_INITIALIZED if the home
         *     holds no identity; IN_USE if another client (in this process or another) has the
         *     store open; LOCKED if the protection does not open it; STORE_FAILURE if the store
         *     cannot be opened
         */
        public ChatClient build() {
            if (home == null) {
                throw new ChatException(
                        ChatException.Reason.INVALID_ARGUMENT, "a home folder is required");
            }
            ClientConfig config =
                    new ClientConfig(
                            home,
                            relayUrls,
                            relayTrust,
                            listener == null ? new ChatListener() {} : listener,
                            listener != null && handOverMessages,
                            heartbeatInterval,
                            reconnectMin,
                            reconnectMax,
                            sendRetryMin,
                            sendRetryMax,
                            clock,
                            protection.unlock(),
                            holdOnIdentityChange);
            return new ChatClient(ClientCore.open(config));
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new ChatException(
                        ChatException.Reason.INVALID_ARGUMENT, what + " must be positive");
            }
            return d;
        }

        private static void checkRange(Duration min, Duration max, String what) {
            positive(min, what + " minimum");
            positive(max, what + " maximum");
            if (min.compareTo(max) > 0) {
                throw new ChatException(
                        ChatException.Reason.INVALID_ARGUMENT,
                        what + " minimum must not exceed the maximum");
            }
        }
    }
}
