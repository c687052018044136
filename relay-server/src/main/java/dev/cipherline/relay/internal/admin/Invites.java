package dev.cipherline.relay.internal.admin;

import dev.cipherline.relay.internal.store.AdminStore;
import dev.cipherline.relay.internal.store.Invite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * Makes invites: a token of 32 random bytes (43 base64url characters), shown once to the operator,
 * and an ID of 8 random bytes (16 hex characters) for listing and revoking. The store keeps the
 * token's SHA-256 hash only.
 */
public final class Invites {
    /** The most uses one invite may have. */
    public static final int MAX_USES = 1_000_000;

    /** The longest an invite may stay valid. */
    public static final Duration MAX_VALIDITY = Duration.ofDays(365);

    private final AdminStore store;
    private final Clock clock;
    private final SecureRandom random;

    /** Invites kept in {@code store}. */
    public Invites(AdminStore store, Clock clock, SecureRandom random) {
        this.store = store;
        this.clock = clock;
        this.random = random;
    }

    /** A new invite and its token, which exists nowhere else. */
    public record Created(Invite invite, String token) {}

    /**
     * Creates an invite admitting {@code uses} registrations until {@code validity} from now.
     *
     * @throws IllegalArgumentException if uses is not 1..{@link #MAX_USES} or validity is not
     *     positive and at most {@link #MAX_VALIDITY}
     */
    public CompletableFuture<Created> create(int uses, Duration validity) {
        if (uses < 1 || uses > MAX_USES) {
            throw new IllegalArgumentException("uses must be 1.." + MAX_USES);
        }
        if (validity.isNegative() || validity.isZero() || validity.compareTo(MAX_VALIDITY) > 0) {
            throw new IllegalArgumentException("the expiry must be 1 second to 365 days away");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        byte[] id = new byte[8];
        random.nextBytes(id);
        long now = clock.millis();
        Invite invite =
                new Invite(
                        HexFormat.of().formatHex(id),
                        hash(token),
                        uses,
                        uses,
                        now,
                        now + validity.toMillis());
        return store.createInvite(invite).thenApply(done -> new Created(invite, token));
    }

    /** The SHA-256 hash of a token, as the store keeps it. */
    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
