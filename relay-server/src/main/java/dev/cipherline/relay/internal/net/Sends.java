package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.QueueStore;
import dev.cipherline.relay.internal.store.SendHolds;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.SendRequest;
import io.netty.channel.ChannelHandlerContext;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Handles {@code send} from the authenticated device. A message is stored (group-committed) and
 * only then answered {@code accepted} and announced on the {@link DeliveryBus}; an ephemeral
 * envelope is forwarded to the recipients connected now and never stored. Every other answer
 * ({@code mismatched-devices}, {@code error}) names the send's clientMsgId.
 *
 * <p>Holds no state of its own: one instance serves every connection, and the {@link
 * SessionHandler} of a connection hands it that connection's sends.
 */
final class Sends {
    private static final System.Logger LOG = System.getLogger(Sends.class.getName());

    private final QueueStore queues;
    private final DeliveryBus bus;
    private final FrameCodec limits;
    private final Clock clock;
    private final Duration maxExpiry;
    private final Duration quotaRetryAfter;
    private final RelayMetrics metrics;

    /**
     * Sends stored in {@code queues}.
     *
     * @param limits checks envelopes and recipients against the relay's limits
     * @param maxExpiry the longest lifetime granted to an envelope
     * @param quotaRetryAfter the retry hint when a recipient's queue is full
     */
    Sends(
            QueueStore queues,
            DeliveryBus bus,
            FrameCodec limits,
            Clock clock,
            Duration maxExpiry,
            Duration quotaRetryAfter,
            RelayMetrics metrics) {
        this.metrics = metrics;
        this.queues = queues;
        this.bus = bus;
        this.limits = limits;
        this.clock = clock;
        this.maxExpiry = maxExpiry;
        this.quotaRetryAfter = quotaRetryAfter;
    }

    /**
     * Checks, stores or forwards {@code send} from {@code session}'s device, and answers it on
     * {@code ctx}.
     */
    void handle(ChannelHandlerContext ctx, SessionHandler session, Frame.Send send) {
        DeviceAddress sender = session.device();
        String ref = send.clientMsgId();
        Frame.ErrorFrame invalid = invalid(send);
        if (invalid != null) {
            metrics.sendRefused(invalid.code());
            ctx.writeAndFlush(invalid);
            return;
        }
        long now = clock.millis();
        long expiresAt = Math.min(send.expiresAt(), now + maxExpiry.toMillis());
        if (send.kind() == Kind.EPHEMERAL) {
            forward(sender, send, now, expiresAt);
            metrics.sendAccepted("ephemeral");
            ctx.writeAndFlush(new Frame.Accepted(ref, now));
            return;
        }
        SendRequest request =
                new SendRequest(
                        sender,
                        ref,
                        now,
                        expiresAt,
                        send.body(),
                        send.recipients(),
                        session.holds().next());
        queues.store(request)
                // not async: a store failure holds the send's accounts before the store's writer
                // takes the next send of this connection
                .whenComplete((outcome, error) -> heldAfterFailure(request, error))
                .whenCompleteAsync(
                        (outcome, error) -> answer(ctx, session, ref, now, outcome, error),
                        ctx.executor());
    }

    /**
     * Records the holds of a send that the store failed to take (a batch that did not commit, a
     * closed store), at once on the thread that completed it. Failures inside the store's operation
     * were recorded there already; recording twice changes nothing.
     */
    private static void heldAfterFailure(SendRequest request, Throwable error) {
        if (error != null) {
            request.ticket().holds().refused(request, request.ticket().number(), null);
        }
    }

    /**
     * Answers {@code send} {@code held} at once if an earlier refused send of the connection to one
     * of its recipient accounts has not come again, before it takes a rate-limit token: a client
     * that pipelines resends them in order anyway, and held sends must not use up the tokens the
     * refused one waits for.
     *
     * @return whether the send was answered
     */
    boolean heldOnArrival(ChannelHandlerContext ctx, SessionHandler session, Frame.Send send) {
        // the usual case, nothing refused on this connection, costs two field reads: no validation
        // twice and no request built on the hot path
        if (send.kind() == Kind.EPHEMERAL || !session.hasHolds() || session.holds().isEmpty()) {
            return false;
        }
        if (invalid(send) != null) {
            // an invalid send gets its own, permanent answer on the usual path
            return false;
        }
        String first = session.holds().heldOnArrival(early(session, send, null));
        if (first == null) {
            return false;
        }
        answerHeld(ctx, send.clientMsgId(), first);
        return true;
    }

    /**
     * Records that {@code send} was refused before it reached the store (rate-limited), so that
     * later sends of the connection to its recipients wait for it.
     */
    void refusedEarly(SessionHandler session, Frame.Send send) {
        if (send.kind() == Kind.EPHEMERAL) {
            return;
        }
        SendHolds.Ticket ticket = session.holds().next();
        ticket.holds().refused(early(session, send, ticket), ticket.number(), null);
    }

    /** {@code send} as the store would see it, for the holds' bookkeeping only. */
    private SendRequest early(SessionHandler session, Frame.Send send, SendHolds.Ticket ticket) {
        long now = clock.millis();
        long expiresAt = Math.min(send.expiresAt(), now + maxExpiry.toMillis());
        return new SendRequest(
                session.device(),
                send.clientMsgId(),
                now,
                expiresAt,
                null,
                send.recipients(),
                ticket);
    }

    private void answerHeld(ChannelHandlerContext ctx, String ref, String first) {
        metrics.sendRefused(ErrorCode.HELD);
        ctx.writeAndFlush(
                Frame.ErrorFrame.of(
                        ref,
                        ErrorCode.HELD,
                        "send "
                                + first
                                + " to the same recipient was refused: send it again first"));
    }

    /**
     * The permanent refusal of a send that breaks the limits or the rules of a well-formed send
     * (each checked before anything else, held or not), or null if it has none.
     */
    private Frame.ErrorFrame invalid(Frame.Send send) {
        String ref = send.clientMsgId();
        try {
            limits.check(send);
        } catch (ProtocolException e) {
            return Frame.ErrorFrame.of(ref, e.code(), e.getMessage());
        }
        if (hasDuplicateRecipient(send.recipients())) {
            return Frame.ErrorFrame.of(
                    ref, ErrorCode.INVALID_REQUEST, "a device is addressed twice");
        }
        if (send.expiresAt() <= clock.millis()) {
            return Frame.ErrorFrame.of(
                    ref, ErrorCode.INVALID_REQUEST, "the envelope has already expired");
        }
        return null;
    }

    private static boolean hasDuplicateRecipient(List<Frame.Recipient> recipients) {
        Set<DeviceAddress> seen = new HashSet<>();
        for (Frame.Recipient r : recipients) {
            if (!seen.add(new DeviceAddress(r.accountId(), r.deviceId()))) {
                return true;
            }
        }
        return false;
    }

    private void forward(DeviceAddress sender, Frame.Send send, long now, long expiresAt) {
        for (Frame.Recipient r : send.recipients()) {
            byte[] ciphertext = r.ciphertext() != null ? r.ciphertext() : send.body();
            bus.forwardEphemeral(
                    new DeviceAddress(r.accountId(), r.deviceId()),
                    new Frame.Deliver(
                            0,
                            sender.accountId(),
                            sender.deviceId(),
                            send.clientMsgId(),
                            Kind.EPHEMERAL,
                            now,
                            expiresAt,
                            ciphertext));
        }
    }

    private void answer(
            ChannelHandlerContext ctx,
            SessionHandler session,
            String ref,
            long now,
            SendOutcome outcome,
            Throwable error) {
        if (error != null) {
            metrics.sendRefused(
                    Failures.isShutdown(error)
                            ? ErrorCode.SHUTTING_DOWN
                            : Failures.isUnavailable(error)
                                    ? ErrorCode.UNAVAILABLE
                                    : ErrorCode.INTERNAL_ERROR);
            if (Failures.isShutdown(error)) {
                ctx.writeAndFlush(
                        new Frame.ErrorFrame(
                                ref,
                                ErrorCode.SHUTTING_DOWN,
                                "the relay is shutting down; nothing was stored",
                                1000L));
            } else if (Failures.isUnavailable(error)) {
                LOG.log(
                        Level.WARNING,
                        "storing send "
                                + ref
                                + " from "
                                + session.device()
                                + " failed: "
                                + Failures.UNAVAILABLE_MESSAGE);
                ctx.writeAndFlush(Failures.unavailable(ref));
            } else {
                LOG.log(
                        Level.ERROR,
                        "storing send " + ref + " from " + session.device() + " failed",
                        Failures.unwrap(error));
                ctx.writeAndFlush(
                        Frame.ErrorFrame.of(
                                ref, ErrorCode.INTERNAL_ERROR, "the relay could not store it"));
            }
            return;
        }
        if (outcome instanceof SendOutcome.Stored stored) {
            metrics.sendAccepted("stored");
            session.out(ctx).write(new Frame.Accepted(ref, now));
            for (Map.Entry<DeviceAddress, List<QueueEntry>> e : stored.entries().entrySet()) {
                bus.publish(e.getKey(), e.getValue());
            }
        } else if (outcome instanceof SendOutcome.Duplicate) {
            metrics.sendAccepted("duplicate");
            session.out(ctx).write(new Frame.Accepted(ref, now));
        } else if (outcome instanceof SendOutcome.Mismatched mismatched) {
            metrics.sendMismatched();
            ctx.writeAndFlush(new Frame.MismatchedDevices(ref, mismatched.mismatches()));
        } else if (outcome instanceof SendOutcome.UnknownRecipient unknown) {
            metrics.sendRefused(ErrorCode.UNKNOWN_RECIPIENT);
            ctx.writeAndFlush(
                    Frame.ErrorFrame.of(
                            ref,
                            ErrorCode.UNKNOWN_RECIPIENT,
                            "account " + unknown.accountId() + " has no registered device"));
        } else if (outcome instanceof SendOutcome.Held held) {
            answerHeld(ctx, ref, held.first());
        } else if (outcome instanceof SendOutcome.QuotaExceeded quota) {
            metrics.sendRefused(ErrorCode.QUOTA_EXCEEDED);
            ctx.writeAndFlush(
                    new Frame.ErrorFrame(
                            ref,
                            ErrorCode.QUOTA_EXCEEDED,
                            "the queue of device " + quota.device() + " is full",
                            quotaRetryAfter.toMillis()));
        }
    }
}
