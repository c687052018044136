package dev.cipherline.sdk;

import java.util.Objects;

/**
 * Every failure the SDK reports: an unchecked exception with a {@link Reason} that callers can act
 * on. {@link #getMessage()} is one sentence a person can read; it never holds secrets or message
 * text.
 */
public final class ChatException extends RuntimeException {
    /** Why an operation failed. */
    public enum Reason {
        /** The relay could not be reached, or the connection broke before an answer. */
        RELAY_UNREACHABLE,
        /** The relay or the SDK refused a request for good; retrying the same request fails. */
        REJECTED,
        /**
         * The relay's TLS certificate was refused: expired or not yet valid, issued for another
         * host name, from an authority not trusted here (see {@link RelayTrust}), or matching none
         * of the pinned keys. The message says which. A client keeps trying with backoff (the
         * operator may fix the certificate) and reports each new refusal to {@link
         * ChatListener#onError}.
         */
        RELAY_UNTRUSTED,
        /** The relay refused this device's authentication. */
        AUTH_FAILED,
        /** The home folder holds no identity; initialize it first. */
        NOT_INITIALIZED,
        /** The home folder already holds an identity. */
        ALREADY_INITIALIZED,
        /** A name is neither a contact nor an account ID. */
        UNKNOWN_CONTACT,
        /** An argument is malformed. */
        INVALID_ARGUMENT,
        /**
         * The local store is encrypted and was not opened: no passphrase or key was given, a wrong
         * one, or one of another kind than the store was created with.
         */
        LOCKED,
        /**
         * The local store is open in another client, in this process or another one; a store admits
         * one client at a time. Close that one first.
         */
        IN_USE,
        /** The local store could not be read or written. */
        STORE_FAILURE,
        /** A message or key failed a cryptographic check. */
        CRYPTO_FAILURE,
        /** An operation did not finish in time. */
        TIMEOUT,
        /** The client is closed. */
        CLOSED,
        /** The relay admits no new registrations; ask its operator. */
        REGISTRATION_CLOSED,
        /**
         * The relay admits registrations with an invite only, and none was given or the one given
         * is not valid there (mistyped, or revoked).
         */
        INVITE_INVALID,
        /** The invite has been used as many times as it allows. */
        INVITE_USED,
        /** The invite is past its expiry. */
        INVITE_EXPIRED,
        /**
         * The account has as many devices as the relay allows; remove one ({@link Devices#remove})
         * before linking another.
         */
        TOO_MANY_DEVICES,
        /**
         * This device was removed from its account (by another device of the account, by itself, or
         * by the relay's operator); its keys are gone from the relay and it can no longer send or
         * receive. Link it again to use it.
         */
        DEVICE_REMOVED,
        /** A link URI is not one a new device made (mistyped, cut short, or another kind). */
        LINK_INVALID,
        /**
         * The link's provisioning mailbox expired (after 10 minutes) or never existed: start the
         * link again on the new device.
         */
        LINK_EXPIRED,
        /**
         * The link's provisioning mailbox was already used: another device answered this link URI,
         * or the new device already read its answer. Start the link again on the new device.
         */
        LINK_USED,
        /** The user declined the link: the fingerprints the two devices showed did not match. */
        LINK_DECLINED,
        /**
         * The link's payload failed to decrypt or did not check out: it was not sealed for this new
         * device's keys (someone else answered the link URI), or it was tampered with.
         */
        LINK_FAILED,
        /**
         * The file is larger than the relay accepts ({@code --max-blob-bytes}, 100 MiB by default).
         */
        FILE_TOO_LARGE,
        /**
         * This device holds as many bytes of files on the relay as it may; the relay frees them as
         * recipients fetch them or they expire.
         */
        QUOTA_EXCEEDED,
        /** The file is no longer on the relay: it expired, or every device fetched it already. */
        FILE_UNAVAILABLE
    }

    private final Reason reason;

    /** Creates an exception with a reason and a one-sentence message. */
    public ChatException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** Creates an exception with a reason, a one-sentence message and the underlying cause. */
    public ChatException(Reason reason, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the operation failed. */
    public Reason reason() {
        return reason;
    }
}
