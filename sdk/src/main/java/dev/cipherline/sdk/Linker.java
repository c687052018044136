package dev.cipherline.sdk;

import dev.cipherline.sdk.internal.link.LinkReceiver;
import dev.cipherline.sdk.internal.registration.Registrar;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Links a new device to an existing account: made by {@link ChatClient#linker()}, configured, then
 * {@link #start()}. The new device's home folder must hold no identity; {@link #home} and {@link
 * #relayUrl} (the account's relay) are required.
 *
 * <pre>{@code
 * Linker.PendingLink link = ChatClient.linker()
 *         .home(Path.of("alice-laptop"))
 *         .relayUrl(URI.create("https://relay.example.org"))
 *         .start();
 * show(link.uri(), link.fingerprint());  // the existing device answers it
 * AccountInfo me = link.await(Duration.ofMinutes(10));
 * }</pre>
 */
public final class Linker {
    private Path home;
    private URI relayUrl;
    private String name;
    private String deviceName;
    private StoreProtection protection = StoreProtection.none();
    private RelayTrust trust = RelayTrust.system();
    private String invite;

    Linker() {}

    /** The new device's folder (required); it must hold no identity. */
    public Linker home(Path home) {
        this.home = Objects.requireNonNull(home, "home");
        return this;
    }

    /**
     * The account's relay (required).
     *
     * @throws ChatException INVALID_ARGUMENT if it is not an http, https, ws or wss URL
     */
    public Linker relayUrl(URI url) {
        this.relayUrl = Registrar.checkRelayUrl(Objects.requireNonNull(url, "url"));
        return this;
    }

    /**
     * A display name for this device's account, kept locally; null (default) takes the account's.
     */
    public Linker name(@Nullable String name) {
        this.name = name;
        return this;
    }

    /**
     * A name for the new device (say "laptop"), shown in the account's device list on every device;
     * null (the default) for none. Surrounding white space is stripped.
     *
     * @throws ChatException INVALID_ARGUMENT if it is not 1..64 bytes in UTF-8 without control
     *     characters
     */
    public Linker deviceName(@Nullable String deviceName) {
        this.deviceName = Registrar.checkDeviceName(deviceName);
        return this;
    }

    /** How the new local store is protected (default {@link StoreProtection#none()}). */
    public Linker protection(StoreProtection protection) {
        this.protection = Objects.requireNonNull(protection, "protection");
        return this;
    }

    /** How the relay's TLS certificate is checked (default {@link RelayTrust#system()}). */
    public Linker relayTrust(RelayTrust trust) {
        this.trust = Objects.requireNonNull(trust, "trust");
        return this;
    }

    /**
     * An invite token, for a relay that admits registrations with an invite only (a linked device
     * registers like any device); null (the default) for none.
     *
     * @throws ChatException INVALID_ARGUMENT if it is not 1-64 characters of A-Z a-z 0-9 _ -
     */
    public Linker invite(@Nullable String invite) {
        this.invite = invite == null ? null : Registrar.checkInvite(invite);
        return this;
    }

    /**
     * Makes the link's ephemeral keys and opens its mailbox at the relay. Blocking.
     *
     * @return the pending link, with the URI to show
     * @throws ChatException INVALID_ARGUMENT if no home or relay URL was set; ALREADY_INITIALIZED;
     *     RELAY_UNREACHABLE, RELAY_UNTRUSTED or REJECTED
     */
    public PendingLink start() {
        if (home == null || relayUrl == null) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "set a home folder and a relay URL before linking");
        }
        return new PendingLink(
                LinkReceiver.start(
                        home,
                        relayUrl,
                        name,
                        protection.unlock(),
                        invite,
                        trust,
                        Clock.systemUTC(),
                        deviceName));
    }

    /**
     * A link waiting for an existing device's answer. Show {@link #uri()} (as text or a QR code)
     * and {@link #fingerprint()}, then {@link #await}. Thread-safe.
     */
    public static final class PendingLink {
        private final LinkReceiver receiver;

        private PendingLink(LinkReceiver receiver) {
            this.receiver = receiver;
        }

        /** The link URI for the existing device ({@code cipherline-link:?v=1&...}). */
        public String uri() {
            return receiver.uri();
        }

        /** The fingerprint the existing device must show too: 12 digits in three groups. */
        public String fingerprint() {
            return receiver.fingerprint();
        }

        /** When the link expires (10 minutes after it started). */
        public Instant expiresAt() {
            return Instant.ofEpochMilli(receiver.expiresAt());
        }

        /**
         * Waits for the existing device's answer, then registers this device and stores the
         * account, all or nothing: on any failure the home folder stays uninitialized. Blocking.
         *
         * @return the linked account, with this device's ID
         * @throws ChatException TIMEOUT if no answer came in {@code timeout} (call again to wait
         *     longer); LINK_EXPIRED; LINK_USED if someone else took the answer; LINK_FAILED if the
         *     answer does not decrypt or check out; TOO_MANY_DEVICES; RELAY_UNREACHABLE
         */
        public AccountInfo await(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            return receiver.await(timeout);
        }
    }
}
