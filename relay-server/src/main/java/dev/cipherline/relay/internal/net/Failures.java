package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceListRefusedException;
import dev.cipherline.relay.internal.store.StoreClosedException;
import dev.cipherline.relay.internal.store.StoreUnavailableException;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/** Classifies the failures of store futures. */
final class Failures {
    /** How long a client waits before retrying a request the unreachable store failed. */
    static final long UNAVAILABLE_RETRY_AFTER_MS = 1000;

    /** The message of an {@code unavailable} error. */
    static final String UNAVAILABLE_MESSAGE =
            "the relay's store cannot be reached now; nothing was stored; retry later";

    private Failures() {}

    /** The cause without the wrappers futures add. */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Whether the store refused because the relay is shutting down. */
    static boolean isShutdown(Throwable error) {
        return unwrap(error) instanceof StoreClosedException;
    }

    /** Whether the store could not be reached: the same request may succeed later. */
    static boolean isUnavailable(Throwable error) {
        return unwrap(error) instanceof StoreUnavailableException;
    }

    /** The {@code unavailable} error answering request {@code ref}, with its retry hint. */
    static Frame.ErrorFrame unavailable(String ref) {
        return new Frame.ErrorFrame(
                ref, ErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE, UNAVAILABLE_RETRY_AFTER_MS);
    }

    /**
     * Answers the request {@code requestId} of {@code device} on {@code ctx}'s event loop once
     * {@code result} completes: with {@code toFrame} of its value, or with the error a failure
     * calls for ({@code invalid-request} for a refused device list, {@code shutting-down}, {@code
     * unavailable}, or {@code internal-error}, logged with {@code what} ("prekey request", "device
     * request") and the cause).
     */
    static <T> void answer(
            ChannelHandlerContext ctx,
            System.Logger log,
            String what,
            DeviceAddress device,
            String requestId,
            CompletableFuture<T> result,
            Function<T, Frame> toFrame) {
        result.whenCompleteAsync(
                (value, error) -> {
                    if (error == null) {
                        ctx.writeAndFlush(toFrame.apply(value));
                    } else if (unwrap(error) instanceof DeviceListRefusedException refused) {
                        ctx.writeAndFlush(
                                Frame.ErrorFrame.of(
                                        requestId,
                                        ErrorCode.INVALID_REQUEST,
                                        refused.getMessage()));
                    } else if (isShutdown(error)) {
                        ctx.writeAndFlush(
                                new Frame.ErrorFrame(
                                        requestId,
                                        ErrorCode.SHUTTING_DOWN,
                                        "the relay is shutting down",
                                        1000L));
                    } else if (isUnavailable(error)) {
                        log.log(
                                System.Logger.Level.WARNING,
                                what
                                        + " "
                                        + requestId
                                        + " of "
                                        + device
                                        + " failed: "
                                        + UNAVAILABLE_MESSAGE);
                        ctx.writeAndFlush(unavailable(requestId));
                    } else {
                        log.log(
                                System.Logger.Level.ERROR,
                                what + " " + requestId + " of " + device + " failed",
                                unwrap(error));
                        ctx.writeAndFlush(
                                Frame.ErrorFrame.of(
                                        requestId,
                                        ErrorCode.INTERNAL_ERROR,
                                        "the relay could not answer"));
                    }
                },
                ctx.executor());
    }
}
