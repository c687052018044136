package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One deadline for a connection's whole life before authentication: from TCP accept, through the
 * HTTP request and the WebSocket upgrade, to {@code auth-ok}. A connection that has not
 * authenticated when it passes is closed: with 4002 once it is a WebSocket, plainly before (a
 * silent socket, or a request that never finishes). A plain HTTP connection gets the deadline
 * afresh after each answer (not after the {@code 101} of an upgrade), so a kept-alive connection is
 * closed once it has been idle that long; a request it sent in full is answered before it is
 * closed. {@link AuthHandler} removes this handler when the connection authenticates.
 *
 * <p>Without it, a connection that never finished its upgrade lived until the idle sweep (two
 * minutes), so a dozen silent sockets from one host held a small connection cap.
 *
 * <p>Sits right after the HTTP codec, so it sees each request's head and end, and each response.
 */
final class PreAuthDeadlineHandler extends ChannelDuplexHandler {
    /** The handler's name in the pipeline. */
    static final String NAME = "pre-auth-deadline";

    private static final System.Logger LOG =
            System.getLogger(PreAuthDeadlineHandler.class.getName());

    private final long deadlineMillis;
    private final RelayMetrics metrics;
    private ScheduledFuture<?> timer;
    // a request was read in full and its response is not written yet
    private boolean answering;
    // the deadline passed while answering: close once the response is written
    private boolean closeAfterAnswer;

    /** A handler closing the connection {@code deadline} after accept unless it authenticated. */
    PreAuthDeadlineHandler(Duration deadline) {
        this(deadline, new RelayMetrics());
    }

    /**
     * As the other constructor, counting a WebSocket closed at the deadline as an authentication
     * with the result {@code timeout} in {@code metrics}.
     */
    PreAuthDeadlineHandler(Duration deadline, RelayMetrics metrics) {
        this.metrics = metrics;
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("the authentication deadline must be positive");
        }
        this.deadlineMillis = deadline.toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer =
                    ctx.executor()
                            .schedule(() -> expired(ctx), deadlineMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof LastHttpContent) {
            answering = true;
        } else if (msg instanceof HttpRequest) {
            answering = false;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
            throws Exception {
        if (msg instanceof LastHttpContent && answering) {
            answering = false;
            if (closeAfterAnswer) {
                ctx.write(msg, promise).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (!(msg instanceof HttpResponse response
                    && HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status()))) {
                // a kept-alive HTTP connection gets a whole deadline for its next request (and a
                // WebSocket upgrade on it); the upgrade itself restarts nothing
                cancel();
                start(ctx);
            }
        }
        ctx.write(msg, promise);
    }

    private void expired(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive() || ctx.isRemoved()) {
            return;
        }
        LOG.log(
                Level.DEBUG,
                "connection " + ctx.channel().id() + " did not authenticate before the deadline");
        if (Channels.isWebSocket(ctx.channel())) {
            metrics.authentication("timeout");
            Channels.close(ctx.channel(), CloseCodes.AUTH_TIMEOUT, "authentication timeout");
        } else if (answering) {
            closeAfterAnswer = true;
        } else {
            ctx.channel().close();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
