package dev.cipherline.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Every error the relay can report, in an {@link Frame.ErrorFrame} or an HTTP error body. The wire
 * form is the lower-case, hyphenated {@link #code()}; clients must treat an unknown code like
 * {@link #INTERNAL_ERROR}.
 */
public enum ErrorCode {
    /** The frame could not be parsed or violates the schema (missing field, bad value). */
    MALFORMED_FRAME("malformed-frame", false),
    /** The frame is larger than {@link Limits#maxFrameBytes()}. */
    FRAME_TOO_LARGE("frame-too-large", false),
    /** One ciphertext is larger than {@link Limits#maxEnvelopeBytes()}. */
    ENVELOPE_TOO_LARGE("envelope-too-large", false),
    /** More recipients than {@link Limits#maxRecipients()}. */
    TOO_MANY_RECIPIENTS("too-many-recipients", false),
    /** The client and relay share no protocol version. */
    UNSUPPORTED_VERSION("unsupported-version", false),
    /** A request other than {@code auth} arrived before authentication. */
    AUTH_REQUIRED("auth-required", false),
    /** The device is unknown or the signature does not verify. */
    AUTH_FAILED("auth-failed", false),
    /** A recipient account has no registered device. */
    UNKNOWN_RECIPIENT("unknown-recipient", false),
    /** The account asked for does not exist. */
    NOT_FOUND("not-found", false),
    /** The recipient device's queue is full; retry later. */
    QUOTA_EXCEEDED("quota-exceeded", true),
    /** Too many requests; retry after {@code retryAfterMs}. */
    RATE_LIMITED("rate-limited", true),
    /** A request is well formed but not acceptable (e.g. registration signature invalid). */
    INVALID_REQUEST("invalid-request", false),
    /** The relay is shutting down; retry on another connection. */
    SHUTTING_DOWN("shutting-down", true),
    /** An unexpected failure inside the relay; nothing was stored. */
    INTERNAL_ERROR("internal-error", true),
    /**
     * The relay's store cannot be reached now; nothing was stored. Retry after {@code
     * retryAfterMs}, on this connection or another node.
     */
    UNAVAILABLE("unavailable", true),
    /** The relay admits no new registrations (its registration policy is {@code closed}). */
    REGISTRATION_CLOSED("registration-closed", false),
    /**
     * The relay admits registrations with an invite only, and the registration carries none, or one
     * the relay does not know (never issued, or revoked).
     */
    INVITE_INVALID("invite-invalid", false),
    /** The invite has no use left. */
    INVITE_USED("invite-used", false),
    /** The invite is past its expiry. */
    INVITE_EXPIRED("invite-expired", false),
    /**
     * An earlier {@code send} of this connection to one of the recipient accounts was refused and
     * has not been sent again; nothing was stored. Send that one again first (the message names its
     * clientMsgId), then this one.
     */
    HELD("held", true),
    /** The account already has as many devices as the relay allows ({@code --max-devices}). */
    TOO_MANY_DEVICES("too-many-devices", false),
    /** The provisioning mailbox exists but holds no payload yet; ask again later. */
    PROVISIONING_PENDING("provisioning-pending", true),
    /** The provisioning mailbox is past its expiry, or was never created. */
    PROVISIONING_EXPIRED("provisioning-expired", false),
    /** The provisioning mailbox's payload was already stored (a second put) or already read. */
    PROVISIONING_USED("provisioning-used", false),
    /** A blob is larger than the relay's {@code --max-blob-bytes}, or a chunk passes its end. */
    BLOB_TOO_LARGE("blob-too-large", false),
    /** The blob's expiry has passed; it is being deleted. */
    BLOB_EXPIRED("blob-expired", false),
    /** The blob is not fully uploaded yet, so it cannot be fetched. */
    BLOB_INCOMPLETE("blob-incomplete", true),
    /**
     * A chunk's offset is not the blob's committed offset (the answer carries the committed one);
     * or another upload of the blob is in progress.
     */
    OFFSET_MISMATCH("offset-mismatch", true);

    private final String code;
    private final boolean retryable;

    ErrorCode(String code, boolean retryable) {
        this.code = code;
        this.retryable = retryable;
    }

    /** The wire form of this code, e.g. {@code "malformed-frame"}. */
    @JsonValue
    public String code() {
        return code;
    }

    /** Whether the same request may succeed if it is sent again later. */
    public boolean retryable() {
        return retryable;
    }

    /**
     * Parses a wire code; an unknown code maps to {@link #INTERNAL_ERROR} so that old clients keep
     * working against newer relays.
     */
    @JsonCreator
    public static ErrorCode fromCode(String code) {
        for (ErrorCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        return INTERNAL_ERROR;
    }
}
