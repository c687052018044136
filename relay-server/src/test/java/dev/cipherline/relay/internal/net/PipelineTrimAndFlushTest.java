package dev.cipherline.relay.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PipelineTrimAndFlushTest {

    @Test
    void theHttpOnlyHandlersLeaveThePipelineWhenTheConnectionBecomesAWebSocket() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("http-api", new ChannelInboundHandlerAdapter());
        channel.pipeline().addLast("trim", new UpgradeTrimHandler(List.of("http-api", "absent")));
        channel.pipeline().addLast("frames", new ChannelInboundHandlerAdapter());

        channel.pipeline().fireUserEventTriggered("some other event");
        assertNotNull(channel.pipeline().get("http-api"));

        channel.pipeline()
                .fireUserEventTriggered(
                        new WebSocketServerProtocolHandler.HandshakeComplete(
                                "/v1/websocket", new DefaultHttpHeaders(), null));
        assertNull(channel.pipeline().get("http-api"));
        assertNull(channel.pipeline().get("trim"));
        assertNotNull(channel.pipeline().get("frames"));
    }

    @Test
    void framesWrittenInOnePassLeaveInOneFlush() throws Exception {
        // a real event loop: EmbeddedChannel runs pending tasks on every write
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        try {
            LocalAddress address = new LocalAddress("deferred-flush-test");
            BlockingQueue<Object> received = new LinkedBlockingQueue<>();
            new ServerBootstrap()
                    .group(group)
                    .channel(LocalServerChannel.class)
                    .childHandler(
                            new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    received.add(msg);
                                }
                            })
                    .bind(address)
                    .sync();
            AtomicInteger flushes = new AtomicInteger();
            Channel client =
                    new Bootstrap()
                            .group(group)
                            .channel(LocalChannel.class)
                            .handler(
                                    new ChannelOutboundHandlerAdapter() {
                                        @Override
                                        public void flush(ChannelHandlerContext ctx) {
                                            flushes.incrementAndGet();
                                            ctx.flush();
                                        }
                                    })
                            .connect(address)
                            .sync()
                            .channel();
            DeferredFlush out = new DeferredFlush(client);

            int duringThePass =
                    client.eventLoop()
                            .submit(
                                    () -> {
                                        out.write("accepted-1");
                                        out.write("accepted-2");
                                        out.flushSoon();
                                        return flushes.get();
                                    })
                            .get(5, TimeUnit.SECONDS);
            assertEquals(0, duringThePass, "nothing is flushed before the pass ends");
            assertEquals("accepted-1", received.poll(5, TimeUnit.SECONDS));
            assertEquals("accepted-2", received.poll(5, TimeUnit.SECONDS));
            assertEquals(1, flushes.get());

            client.eventLoop().submit(() -> out.write("accepted-3")).get(5, TimeUnit.SECONDS);
            assertEquals("accepted-3", received.poll(5, TimeUnit.SECONDS));
            assertEquals(2, flushes.get());
            client.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
