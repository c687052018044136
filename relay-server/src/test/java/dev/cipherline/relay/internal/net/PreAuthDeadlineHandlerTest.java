package dev.cipherline.relay.internal.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pre-authentication deadline on plain HTTP connections, in virtual time. */
class PreAuthDeadlineHandlerTest {
    private static EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline()
                .addLast(
                        PreAuthDeadlineHandler.NAME,
                        new PreAuthDeadlineHandler(Duration.ofSeconds(10)));
        return channel;
    }

    private static void advance(EmbeddedChannel channel, long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    private static void request(EmbeddedChannel channel) {
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x"));
        channel.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.inboundMessages().clear();
    }

    private static void answer(EmbeddedChannel channel, HttpResponseStatus status) {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status));
        channel.outboundMessages().clear();
    }

    @Test
    void aSilentConnectionIsClosedAtTheDeadline() {
        EmbeddedChannel channel = channel();
        advance(channel, 9);
        assertTrue(channel.isActive());
        advance(channel, 2);
        assertFalse(channel.isActive());
    }

    @Test
    void aRequestReadInFullIsAnsweredBeforeTheConnectionCloses() {
        EmbeddedChannel channel = channel();
        request(channel);
        advance(channel, 11);
        assertTrue(channel.isActive(), "still answering");
        answer(channel, HttpResponseStatus.OK);
        channel.runPendingTasks();
        assertFalse(channel.isActive(), "closed once the answer is written");
    }

    @Test
    void aKeptAliveConnectionGetsAWholeDeadlineAfterEachAnswerButNotAfterAnUpgrade() {
        EmbeddedChannel channel = channel();
        advance(channel, 5);
        request(channel);
        answer(channel, HttpResponseStatus.CREATED);
        advance(channel, 9);
        assertTrue(channel.isActive(), "14 s after accept, 9 s after the answer");
        request(channel);
        answer(channel, HttpResponseStatus.SWITCHING_PROTOCOLS);
        advance(channel, 2);
        assertFalse(channel.isActive(), "the upgrade did not restart the deadline");
    }
}
