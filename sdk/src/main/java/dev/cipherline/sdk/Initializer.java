package dev.cipherline.sdk;

import dev.cipherline.sdk.internal.registration.Registrar;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Creates a new identity in a home folder and registers it with a relay, like {@link
 * ChatClient#initialize(Path, List, String, StoreProtection)}, with every option named: made by
 * {@link ChatClient#initializer()}, configured, then {@link #initialize()}. Each value is checked
 * when it is set; {@link #home} and a relay URL are required.
 *
 * <pre>{@code
 * AccountInfo me = ChatClient.initializer()
 *         .home(Path.of("alice"))
 *         .relayUrl(URI.create("https://relay.example.org"))
 *         .name("Alice")
 *         .invite(tokenFromTheOperator)
 *         .initialize();
 * }</pre>
 */
public final class Initializer {
    private Path home;
    private List<URI> relayUrls;
    private String name;
    private String deviceName;
    private StoreProtection protection = StoreProtection.none();
    private String invite;
    private RelayTrust trust = RelayTrust.system();

    Initializer() {}

    /** The folder for the client's data (required); created if missing. */
    public Initializer home(Path home) {
        this.home = Objects.requireNonNull(home, "home");
        return this;
    }

    /**
     * The relay's base URL (required, or {@link #relayUrls}).
     *
     * @throws ChatException INVALID_ARGUMENT if it is not an http, https, ws or wss URL
     */
    public Initializer relayUrl(URI url) {
        return relayUrls(List.of(Objects.requireNonNull(url, "url")));
    }

    /**
     * The URLs of a relay cluster's nodes, 1 to 16 (see {@link ChatClient#initialize(Path, List,
     * String, StoreProtection)}).
     *
     * @throws ChatException INVALID_ARGUMENT for an empty list, more than 16 URLs, a URL given
     *     twice or one that is not http, https, ws or wss
     */
    public Initializer relayUrls(List<URI> urls) {
        this.relayUrls = Registrar.checkRelayUrls(Objects.requireNonNull(urls, "urls"));
        return this;
    }

    /**
     * An optional name for this device (say "laptop"), shown in the account's device list on every
     * device; null (the default) for none. Surrounding white space is stripped.
     *
     * @throws ChatException INVALID_ARGUMENT if it is not 1..64 bytes in UTF-8 without control
     *     characters
     */
    public Initializer deviceName(@Nullable String deviceName) {
        this.deviceName = Registrar.checkDeviceName(deviceName);
        return this;
    }

    /** An optional display name, kept locally; null for none. */
    public Initializer name(@Nullable String name) {
        this.name = name;
        return this;
    }

    /** How the local store is protected (default {@link StoreProtection#none()}). */
    public Initializer protection(StoreProtection protection) {
        this.protection = Objects.requireNonNull(protection, "protection");
        return this;
    }

    /**
     * How the relay's TLS certificate is checked (default {@link RelayTrust#system()}): a private
     * CA, pinned keys, or both, as {@link ChatClient#initialize(Path, List, String,
     * StoreProtection, RelayTrust)}. The trust is not stored: give the same one to {@link
     * ChatClient.Builder#relayTrust} for every client on this home.
     */
    public Initializer relayTrust(RelayTrust trust) {
        this.trust = Objects.requireNonNull(trust, "trust");
        return this;
    }

    /**
     * The invite token the relay's operator gave out, for a relay that admits registrations with an
     * invite only; null (the default) for none. An open relay ignores it.
     *
     * @throws ChatException INVALID_ARGUMENT if it is not 1-64 characters of A-Z a-z 0-9 _ -
     */
    public Initializer invite(@Nullable String invite) {
        this.invite = invite == null ? null : Registrar.checkInvite(invite);
        return this;
    }

    /**
     * Creates the identity, registers it as device 1 and stores it. Blocking.
     *
     * @return the new account
     * @throws ChatException as {@link ChatClient#initialize(Path, List, String, StoreProtection,
     *     RelayTrust)}, and for a relay's registration policy: REGISTRATION_CLOSED, INVITE_INVALID,
     *     INVITE_USED or INVITE_EXPIRED; INVALID_ARGUMENT if no home or relay URL was set
     */
    public AccountInfo initialize() {
        if (home == null || relayUrls == null) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "set a home folder and a relay URL before initializing");
        }
        return Registrar.initialize(
                home,
                relayUrls,
                name,
                protection.unlock(),
                invite,
                trust,
                Clock.systemUTC(),
                deviceName);
    }
}
