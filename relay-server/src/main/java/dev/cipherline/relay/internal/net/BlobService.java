package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.Blobs;
import dev.cipherline.protocol.SignedPayloads;
import dev.cipherline.relay.BlobLimits;
import dev.cipherline.relay.internal.keys.Ed25519Verifier;
import dev.cipherline.relay.internal.store.AdminStore;
import dev.cipherline.relay.internal.store.BlobStore;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceStore;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * What every connection's {@link BlobHandler} shares: the blob store, the limits, the executor for
 * blocking blob I/O ({@code io}), the longest lifetime granted to a blob (the relay's {@code
 * --max-expiry}), and the check of request signatures.
 */
public final class BlobService {
    private final BlobStore blobs;
    private final DeviceStore devices;
    private final AdminStore accounts;
    private final BlobLimits limits;
    private final Duration maxExpiry;
    private final Executor io;
    private final Clock clock;
    private final SecureRandom random;
    private final Set<String> uploading = ConcurrentHashMap.newKeySet();

    /** A service over {@code blobs}, checking signatures with the auth keys in {@code devices}. */
    public BlobService(
            BlobStore blobs,
            DeviceStore devices,
            AdminStore accounts,
            BlobLimits limits,
            Duration maxExpiry,
            Executor io,
            Clock clock,
            SecureRandom random) {
        this.blobs = blobs;
        this.devices = devices;
        this.accounts = accounts;
        this.limits = limits;
        this.maxExpiry = maxExpiry;
        this.io = io;
        this.clock = clock;
        this.random = random;
    }

    BlobStore blobs() {
        return blobs;
    }

    /** Where an account's registered devices are listed. */
    AdminStore accounts() {
        return accounts;
    }

    BlobLimits limits() {
        return limits;
    }

    Duration maxExpiry() {
        return maxExpiry;
    }

    Executor io() {
        return io;
    }

    Clock clock() {
        return clock;
    }

    /** The IDs of blobs with a chunk being written on this relay: one upload per blob at a time. */
    Set<String> uploading() {
        return uploading;
    }

    /** A new unguessable blob ID: 32 random bytes in unpadded base64url. */
    String newId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Why a request's signature headers cannot be checked, or null if they are all there. */
    static String missingHeaders(HttpHeaders headers) {
        for (String name :
                new String[] {
                    Blobs.ACCOUNT_HEADER,
                    Blobs.DEVICE_HEADER,
                    Blobs.TIME_HEADER,
                    Blobs.SIGNATURE_HEADER
                }) {
            if (headers.get(name) == null) {
                return "the request has no " + name + " header; sign blob requests";
            }
        }
        return null;
    }

    /**
     * Checks a request's signature; completes with the signing device, or empty if the request is
     * not signed by a registered device, within the time window.
     *
     * @param bodyDigest the SHA-256 of the body for POST, 32 zero bytes otherwise
     */
    CompletableFuture<Optional<DeviceAddress>> authenticate(
            HttpRequest request, long contentLength, byte[] bodyDigest) {
        HttpHeaders h = request.headers();
        DeviceAddress device;
        long time;
        byte[] signature;
        try {
            device =
                    new DeviceAddress(
                            h.get(Blobs.ACCOUNT_HEADER),
                            Integer.parseInt(h.get(Blobs.DEVICE_HEADER).trim()));
            time = Long.parseLong(h.get(Blobs.TIME_HEADER).trim());
            signature = Base64.getDecoder().decode(h.get(Blobs.SIGNATURE_HEADER).trim());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (Math.abs(clock.millis() - time) > Blobs.TIME_WINDOW_MILLIS) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        byte[] payload =
                SignedPayloads.httpRequest(
                        request.method().name(),
                        request.uri(),
                        time,
                        device.accountId(),
                        device.deviceId(),
                        contentLength,
                        bodyDigest);
        return devices.authKey(device)
                .thenApply(
                        key ->
                                key.isPresent()
                                                && Ed25519Verifier.verify(
                                                        key.get(), payload, signature)
                                        ? Optional.of(device)
                                        : Optional.empty());
    }
}
