package dev.cipherline.sdk.internal.registration;

import dev.cipherline.crypto.DeviceAuthKey;
import dev.cipherline.crypto.DeviceList;
import dev.cipherline.crypto.Identity;
import dev.cipherline.crypto.PreKeyFactory;
import dev.cipherline.crypto.StoreKeys;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.protocol.ProvisioningPayload;
import dev.cipherline.protocol.Registration;
import dev.cipherline.protocol.SignedPayloads;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.RelayTrust;
import dev.cipherline.sdk.internal.Compat;
import dev.cipherline.sdk.internal.keys.WireKeys;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DeviceListStore;
import dev.cipherline.sdk.internal.store.DeviceNameStore;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import dev.cipherline.sdk.internal.store.SignalStore;
import dev.cipherline.sdk.internal.store.StoreKeyTable;
import dev.cipherline.sdk.internal.transport.RelayConnection;
import dev.cipherline.sdk.internal.transport.RelayTls;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;
import org.signal.libsignal.protocol.util.KeyHelper;

/**
 * Creates an identity and registers its first device with the relay ({@code POST /v1/devices}), or
 * registers a further device of an existing identity. Nothing is stored unless the relay answered
 * {@code 201}, and then everything is stored in one transaction, so a failed registration leaves
 * the home folder uninitialized.
 */
public final class Registrar {
    /** One-time prekeys of each kind uploaded at registration and kept topped up. */
    public static final int PREKEY_BATCH = 100;

    private static final int MAX_NAME_LENGTH = 64;
    private static final MediaType JSON = MediaType.get("application/json");

    private Registrar() {}

    /**
     * Checks that {@code url} is an absolute http, https, ws or wss URL with a host, and returns it
     * as the relay's base URL: {@code ws} becomes {@code http} and {@code wss} becomes {@code
     * https} (the relay serves its HTTP API and its WebSocket on one port), and a trailing {@code
     * /v1/websocket} is dropped.
     *
     * @throws ChatException INVALID_ARGUMENT otherwise
     */
    public static URI checkRelayUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String base =
                switch (scheme) {
                    case "http", "ws" -> "http";
                    case "https", "wss" -> "https";
                    default -> null;
                };
        if (base == null || url.getHost() == null || url.getRawQuery() != null) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "the relay URL must be an http, https, ws or wss URL such as"
                            + " https://relay.example.org or http://127.0.0.1:7400");
        }
        String rest = url.toString().substring(url.getScheme().length());
        rest = rest.replaceAll("/+$", "");
        if (rest.endsWith(RelayConnection.WEBSOCKET_PATH)) {
            rest = rest.substring(0, rest.length() - RelayConnection.WEBSOCKET_PATH.length());
        }
        return URI.create(base + rest);
    }

    /**
     * Checks an invite token's form: 1-64 characters of A-Z a-z 0-9 _ - (what relays issue is 43).
     *
     * @return the token, without surrounding blanks
     * @throws ChatException INVALID_ARGUMENT otherwise
     */
    public static String checkInvite(String invite) {
        String token = Compat.strip(invite);
        if (!token.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "an invite is 1-64 letters, digits, '_' or '-', as the relay's operator gave"
                            + " it");
        }
        return token;
    }

    /** The most relay URLs a client keeps: the nodes of one cluster it may move between. */
    public static final int MAX_RELAY_URLS = 16;

    /**
     * Checks a list of relay URLs: 1 to {@link #MAX_RELAY_URLS} of them, each as {@link
     * #checkRelayUrl}, none twice.
     *
     * @return an immutable copy
     * @throws ChatException INVALID_ARGUMENT otherwise
     */
    public static List<URI> checkRelayUrls(List<URI> urls) {
        List<URI> copy = List.copyOf(urls);
        if (copy.isEmpty() || copy.size() > MAX_RELAY_URLS) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "give 1 to " + MAX_RELAY_URLS + " relay URLs, not " + copy.size());
        }
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT, "a relay URL is given twice");
        }
        List<URI> checked = copy.stream().map(Registrar::checkRelayUrl).collect(Compat.toList());
        if (new HashSet<>(checked).size() != checked.size()) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT, "a relay URL is given twice");
        }
        return checked;
    }

    /**
     * See {@code ChatClient.initialize}. The registration goes to the first relay URL that answers;
     * the nodes of one cluster share one store, so any of them registers the device for all.
     */
    public static AccountInfo initialize(
            Path home,
            List<URI> urls,
            String name,
            StoreKeyTable.Unlock unlock,
            String invite,
            RelayTrust trust,
            Clock clock) {
        return initialize(home, urls, name, unlock, invite, trust, clock, null);
    }

    /**
     * Registers device {@code deviceId} of the account of {@code identity} (an identity created
     * here, or one received from another device of the account when this device is linked) and
     * stores it in {@code home}: fresh device keys (registration ID, auth key, prekeys), signed by
     * the identity key. Nothing is stored unless the relay answered {@code 201}, and then
     * everything is stored in one transaction.
     *
     * @throws ChatException ALREADY_INITIALIZED if {@code home} holds an identity; see {@code
     *     ChatClient.initialize} for the rest
     */
    public static AccountInfo register(
            Path home,
            List<URI> urls,
            String name,
            StoreKeyTable.Unlock unlock,
            String invite,
            RelayTrust trust,
            Clock clock,
            Identity identity,
            int deviceId) {
        return register(
                home, urls, name, unlock, invite, trust, clock, identity, deviceId, null, db -> {});
    }

    /**
     * As {@link #register(Path, List, String, StoreKeyTable.Unlock, String, RelayTrust, Clock,
     * Identity, int)}, with the account's signed device list: the registration carries {@code
     * previous} with this device added (version one more), or for device 1 of a new account ({@code
     * previous} null) version 1 naming only it; a further device of an account without a list
     * ({@code previous} null) registers without one. The list is pinned in the new store. Then runs
     * {@code alsoStore} on the new store inside the transaction that stores the identity (a linked
     * device imports what the existing device sent): if it throws, nothing is stored and the home
     * folder stays uninitialized.
     *
     * @param previous the account's current signed list, verified, or null
     */
    public static AccountInfo register(
            Path home,
            List<URI> urls,
            String name,
            StoreKeyTable.Unlock unlock,
            String invite,
            RelayTrust trust,
            Clock clock,
            Identity identity,
            int deviceId,
            DeviceList previous,
            Consumer<Database> alsoStore) {
        List<URI> relayUrls = checkRelayUrls(urls);
        if (invite != null) {
            checkInvite(invite);
        }
        String displayName = checkName(name);
        if (Database.holdsIdentity(home)) {
            throw new ChatException(
                    ChatException.Reason.ALREADY_INITIALIZED,
                    "the folder " + home + " already holds an identity");
        }
        try (Database db = Database.open(home)) {
            // a key left by an init that failed before storing the identity protects nothing
            db.keys().forgetKeyOfEmptyStore();
            db.keys().unlock(unlock, StoreKeys.Argon2Cost.DEFAULT);
            DeviceAuthKey authKey = DeviceAuthKey.generate();
            int registrationId = KeyHelper.generateRegistrationId(false);
            long now = clock.millis();
            SignedPreKeyRecord signedPreKey = PreKeyFactory.signedPreKey(identity, 1, now);
            KyberPreKeyRecord lastResort = PreKeyFactory.kyberPreKey(identity, 1, now);
            List<PreKeyRecord> ecPreKeys = PreKeyFactory.ecPreKeys(1, PREKEY_BATCH);
            List<KyberPreKeyRecord> kyberPreKeys =
                    PreKeyFactory.kyberPreKeys(identity, 2, PREKEY_BATCH, now);

            String accountId = identity.accountId();
            byte[] signature =
                    identity.sign(
                            SignedPayloads.registration(
                                    accountId, deviceId, registrationId, authKey.publicKey()));
            DeviceList.Entry self =
                    new DeviceList.Entry(deviceId, registrationId, authKey.publicKey());
            DeviceList list =
                    previous != null
                            ? previous.with(self)
                            : deviceId == 1 ? DeviceList.first(accountId, self) : null;
            byte[] signedList = list == null ? null : list.sign(identity);
            Registration registration =
                    new Registration(
                            accountId,
                            deviceId,
                            registrationId,
                            identity.publicKey(),
                            authKey.publicKey(),
                            signature,
                            WireKeys.signed(signedPreKey),
                            WireKeys.kyber(lastResort),
                            WireKeys.ec(ecPreKeys),
                            WireKeys.kyber(kyberPreKeys),
                            invite,
                            signedList);
            postToFirstReachable(relayUrls, trust, registration);

            LocalIdentity local =
                    new LocalIdentity(
                            accountId,
                            deviceId,
                            registrationId,
                            identity.serialize(),
                            authKey.privateBytes(),
                            relayUrls,
                            displayName,
                            WireKeys.advance(1, PREKEY_BATCH),
                            WireKeys.advance(2, PREKEY_BATCH));
            SignalStore store = new SignalStore(db, local.identityKeyPair(), registrationId);
            db.transaction(
                    c -> {
                        IdentityStore.insert(c, db, local, now);
                        store.storeSignedPreKey(signedPreKey.getId(), signedPreKey);
                        store.storeLastResortKyberPreKey(lastResort.getId(), lastResort);
                        for (PreKeyRecord r : ecPreKeys) {
                            store.storePreKey(r.getId(), r);
                        }
                        for (KyberPreKeyRecord r : kyberPreKeys) {
                            store.storeKyberPreKey(r.getId(), r);
                        }
                        if (list != null) {
                            DeviceListStore.pin(c, accountId, list.version(), signedList);
                        }
                        alsoStore.accept(db);
                        return null;
                    });
            return new AccountInfo(new AccountId(accountId), deviceId, displayName, relayUrls);
        }
    }

    /**
     * Configures an HTTP client builder for a relay: sockets with Nagle's algorithm off ({@link
     * NoDelaySocketFactory}), and TLS as {@link RelayTls#configure} says (none at all when every
     * URL is {@code http}, which spares every process loading the platform's trusted certificates).
     */
    public static OkHttpClient.Builder forRelay(
            List<URI> relayUrls, RelayTrust trust, OkHttpClient.Builder builder) {
        builder.socketFactory(NoDelaySocketFactory.INSTANCE);
        return RelayTls.configure(builder, relayUrls, trust);
    }

    /**
     * Registers at the first URL that can be reached; a refusal is final. A node whose certificate
     * is refused is passed by like one that is down, but if no node registers the device, that
     * refusal is what the user needs to hear.
     */
    private static void postToFirstReachable(
            List<URI> relayUrls, RelayTrust trust, Registration registration) {
        ChatException failure = null;
        for (URI relayUrl : relayUrls) {
            try {
                post(relayUrl, trust, registration);
                return;
            } catch (ChatException e) {
                if (e.reason() != ChatException.Reason.RELAY_UNREACHABLE
                        && e.reason() != ChatException.Reason.RELAY_UNTRUSTED) {
                    throw e;
                }
                if (failure == null || failure.reason() != ChatException.Reason.RELAY_UNTRUSTED) {
                    failure = e;
                }
            }
        }
        throw failure;
    }

    private static void post(URI relayUrl, RelayTrust trust, Registration registration) {
        FrameCodec codec = new FrameCodec();
        OkHttpClient http =
                forRelay(List.of(relayUrl), trust, new OkHttpClient.Builder())
                        .connectTimeout(Duration.ofSeconds(10))
                        .readTimeout(Duration.ofSeconds(30))
                        .writeTimeout(Duration.ofSeconds(30))
                        .build();
        String base = relayUrl.toString().replaceAll("/+$", "");
        Request request =
                new Request.Builder()
                        .url(base + "/v1/devices")
                        .post(RequestBody.create(codec.encodeJson(registration), JSON))
                        .build();
        try (Response response = http.newCall(request).execute()) {
            ResponseBody body = response.body();
            byte[] bytes = body == null ? new byte[0] : body.bytes();
            if (response.code() == 201) {
                Registration.Result result = codec.decodeJson(bytes, Registration.Result.class);
                if (!registration.accountId().equals(result.accountId())
                        || result.deviceId() != registration.deviceId()) {
                    throw new ChatException(
                            ChatException.Reason.REJECTED,
                            "the relay confirmed a different account or device");
                }
                return;
            }
            if (response.code() == 503) {
                // over capacity, shutting down, or its store unreachable: not a refusal of this
                // device, so another node of the cluster (or a later try) may register it
                throw new ChatException(
                        ChatException.Reason.RELAY_UNREACHABLE,
                        "the relay at "
                                + relayUrl
                                + " cannot register devices now: "
                                + relayMessage(codec, response, bytes));
            }
            if (response.code() == 403) {
                ChatException.Reason reason = policyRefusal(codec, bytes);
                if (reason != null) {
                    throw new ChatException(reason, policyMessage(reason, relayUrl));
                }
            }
            throw new ChatException(
                    ChatException.Reason.REJECTED,
                    "the relay refused the registration: " + relayMessage(codec, response, bytes));
        } catch (IOException e) {
            ChatException refused = RelayTls.refusal(relayUrl, e);
            if (refused != null) {
                throw refused;
            }
            throw new ChatException(
                    ChatException.Reason.RELAY_UNREACHABLE,
                    "cannot reach the relay at " + relayUrl + ": " + e.getMessage(),
                    e);
        } catch (ProtocolException e) {
            throw new ChatException(
                    ChatException.Reason.REJECTED,
                    "the relay answered the registration with a malformed body",
                    e);
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    /** The reason for a refusal by the relay's registration policy, or null for another one. */
    private static ChatException.Reason policyRefusal(FrameCodec codec, byte[] bytes) {
        try {
            Registration.HttpError error = codec.decodeJson(bytes, Registration.HttpError.class);
            if (error == null || error.code() == null) {
                return null;
            }
            return switch (error.code()) {
                case REGISTRATION_CLOSED -> ChatException.Reason.REGISTRATION_CLOSED;
                case INVITE_INVALID -> ChatException.Reason.INVITE_INVALID;
                case INVITE_USED -> ChatException.Reason.INVITE_USED;
                case INVITE_EXPIRED -> ChatException.Reason.INVITE_EXPIRED;
                case TOO_MANY_DEVICES -> ChatException.Reason.TOO_MANY_DEVICES;
                default -> null;
            };
        } catch (ProtocolException | RuntimeException e) {
            return null;
        }
    }

    private static String policyMessage(ChatException.Reason reason, URI relayUrl) {
        return switch (reason) {
            case REGISTRATION_CLOSED -> "the relay at " + relayUrl + " admits no new registrations";
            case INVITE_INVALID ->
                    "the relay at "
                            + relayUrl
                            + " needs a valid invite from its operator (none was given, or it is"
                            + " mistyped or revoked)";
            case INVITE_USED -> "the invite has been used up; ask the relay's operator for another";
            case INVITE_EXPIRED -> "the invite has expired; ask the relay's operator for another";
            case TOO_MANY_DEVICES ->
                    "the account has as many devices as the relay at "
                            + relayUrl
                            + " allows; remove one first";
            default -> "the relay refused the registration";
        };
    }

    private static String relayMessage(FrameCodec codec, Response response, byte[] bytes) {
        try {
            Registration.HttpError error = codec.decodeJson(bytes, Registration.HttpError.class);
            if (error != null && error.message() != null) {
                return error.message() + " (HTTP " + response.code() + ")";
            }
        } catch (ProtocolException | RuntimeException e) {
            // not a relay error body: fall back to the status line
        }
        return "HTTP " + response.code();
    }

    /**
     * Checks a device name: surrounding white space stripped, then 1..64 bytes in UTF-8 without
     * control characters.
     *
     * @return the stripped name, or null for null
     * @throws ChatException INVALID_ARGUMENT if it is not a device name
     */
    public static String checkDeviceName(String name) {
        if (name == null) {
            return null;
        }
        try {
            return ProvisioningPayload.checkDeviceName(Compat.strip(name), "device name");
        } catch (IllegalArgumentException e) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "a device name is 1.."
                            + ProvisioningPayload.MAX_DEVICE_NAME_BYTES
                            + " bytes in UTF-8 without control characters");
        }
    }

    /**
     * As {@link #initialize(Path, List, String, StoreKeyTable.Unlock, String, RelayTrust, Clock)},
     * and names this device {@code deviceName} (null for none).
     */
    public static AccountInfo initialize(
            Path home,
            List<URI> urls,
            String name,
            StoreKeyTable.Unlock unlock,
            String invite,
            RelayTrust trust,
            Clock clock,
            String deviceName) {
        String checked = checkDeviceName(deviceName);
        return register(
                home,
                urls,
                name,
                unlock,
                invite,
                trust,
                clock,
                Identity.generate(),
                1,
                null,
                db -> {
                    if (checked != null) {
                        new DeviceNameStore(db).put(1, checked, clock.millis());
                    }
                });
    }

    private static String checkName(String name) {
        if (name == null || Compat.isBlank(name)) {
            return null;
        }
        String stripped = Compat.strip(name);
        if (stripped.length() > MAX_NAME_LENGTH
                || stripped.chars().anyMatch(Character::isISOControl)) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "a display name must be at most "
                            + MAX_NAME_LENGTH
                            + " characters without control characters");
        }
        return stripped;
    }
}
