package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import dev.cipherline.sdk.EnvelopeRejection;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.devices.DeviceLists;
import dev.cipherline.sdk.internal.group.GroupInbound;
import dev.cipherline.sdk.internal.outbound.Sealer;
import dev.cipherline.sdk.internal.store.Tx;
import java.time.Clock;

/**
 * Opens an envelope: decrypts it (with the pairwise session, or with the sender's sender key for a
 * group message), opens the sealed inner payload and checks that its authenticated header agrees
 * with what the relay claimed (DESIGN rule 5). The session step a decryption takes is written in
 * the caller's transaction, so it commits or rolls back with the envelope.
 */
public final class Opener {
    private static final Log LOG = Log.get(Opener.class.getName());

    /**
     * An opened envelope.
     *
     * @param header the authenticated inner header
     * @param body the encoded content
     * @param groupId the group of a group message, or null for a pairwise one
     */
    record Opened(SealedPayload.Header header, byte[] body, String groupId) {}

    /** What the inner header must say; throws if it says something else. */
    @FunctionalInterface
    private interface Binding {
        void check(SealedPayload.Header header) throws CryptoException;
    }

    private final SessionCrypto sessions;
    private final GroupCrypto groupCrypto;
    private final GroupInbound groups;
    private final LocalDevice self;
    private final Clock clock;
    private final DeviceLists lists;

    public Opener(
            SessionCrypto sessions,
            GroupCrypto groupCrypto,
            GroupInbound groups,
            LocalDevice self,
            Clock clock) {
        this(sessions, groupCrypto, groups, self, clock, null);
    }

    /**
     * An opener that tells {@code lists} (if not null) the device list version each opened
     * payload's sender carried.
     */
    public Opener(
            SessionCrypto sessions,
            GroupCrypto groupCrypto,
            GroupInbound groups,
            LocalDevice self,
            Clock clock,
            DeviceLists lists) {
        this.lists = lists;
        this.sessions = sessions;
        this.groupCrypto = groupCrypto;
        this.groups = groups;
        this.self = self;
        this.clock = clock;
    }

    /**
     * Opens a stored envelope, pairwise or group; null if it is to be dropped unread: expired, or
     * for a group this account is no longer in.
     *
     * @throws Refused if it does not decrypt, its header disagrees or its sender is not a member
     */
    Opened open(Tx tx, Frame.Deliver d) {
        return GroupCrypto.isGroupCiphertext(d.ciphertext()) ? openGroup(tx, d) : openPairwise(d);
    }

    /**
     * Opens an envelope sealed for this device over the pairwise session; null if it expired (its
     * session step is still kept).
     *
     * @throws Refused if it does not decrypt or its header disagrees
     */
    Opened openPairwise(Frame.Deliver d) {
        byte[] plaintext;
        try {
            plaintext = sessions.decrypt(d.sender(), d.senderDevice(), d.ciphertext());
        } catch (CryptoException e) {
            throw Refused.undecryptable(e);
        }
        SealedPayload.Opened opened =
                openBound(
                        plaintext,
                        h ->
                                SealedPayload.checkBinding(
                                        h,
                                        d.sender(),
                                        d.senderDevice(),
                                        self.account(),
                                        self.device(),
                                        d.clientMsgId(),
                                        kindCode(d.kind()),
                                        d.expiresAt()));
        noteListVersion(opened);
        return expired(d, opened.header())
                ? null
                : new Opened(opened.header(), opened.body(), null);
    }

    /**
     * Opens a group message: decrypts it with the sender's sender key and checks that the key was
     * distributed for the group the inner header names, and that the sender was not removed from
     * it.
     */
    private Opened openGroup(Tx tx, Frame.Deliver d) {
        GroupCrypto.Decrypted decrypted;
        try {
            decrypted = groupCrypto.decrypt(d.sender(), d.senderDevice(), d.ciphertext());
        } catch (CryptoException e) {
            throw Refused.undecryptable(e);
        }
        String groupId =
                groups.groupOfKey(tx, d.sender(), d.senderDevice(), decrypted.distributionId());
        if (groupId == null) {
            throw Refused.notAMember();
        }
        SealedPayload.Opened opened =
                openBound(
                        decrypted.plaintext(),
                        h ->
                                SealedPayload.checkGroupBinding(
                                        h,
                                        d.sender(),
                                        d.senderDevice(),
                                        Sealer.groupMarker(groupId),
                                        d.clientMsgId(),
                                        kindCode(d.kind()),
                                        d.expiresAt()));
        noteListVersion(opened);
        if (expired(d, opened.header()) || groups.isInactive(tx, groupId)) {
            return null;
        }
        return new Opened(opened.header(), opened.body(), groupId);
    }

    /** Opens the sealed inner payload and checks its header against {@code binding}. */
    private static SealedPayload.Opened openBound(byte[] plaintext, Binding binding) {
        SealedPayload.Opened opened;
        try {
            opened = SealedPayload.open(plaintext);
        } catch (CryptoException e) {
            // it decrypted, so the sender's session made it: a broken or foreign inner format
            throw new Refused(EnvelopeRejection.Reason.MALFORMED_CONTENT, e);
        }
        try {
            binding.check(opened.header());
        } catch (CryptoException e) {
            throw new Refused(EnvelopeRejection.Reason.HEADER_MISMATCH, e);
        }
        return opened;
    }

    /** Tells the device lists which list version the (authenticated) sender knew. */
    private void noteListVersion(SealedPayload.Opened opened) {
        if (lists != null) {
            lists.announced(opened.header().sender(), opened.senderDeviceListVersion());
        }
    }

    private boolean expired(Frame.Deliver d, SealedPayload.Header h) {
        if (h.expiresAt() <= clock.millis()) {
            LOG.log(Log.Level.DEBUG, "dropping an expired envelope {0}", d.clientMsgId());
            return true;
        }
        return false;
    }

    static int kindCode(Kind kind) {
        return kind == Kind.EPHEMERAL ? SealedPayload.KIND_EPHEMERAL : SealedPayload.KIND_MESSAGE;
    }
}
