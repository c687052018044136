package dev.cipherline.relay.internal.net;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Locale;

/**
 * The socket transport: Linux epoll where its native part loads (fewer system calls and less memory
 * per connection), else the JDK's NIO. The system property {@code cipherline.relay.transport} set
 * to {@code nio} forces NIO, for comparison.
 */
public enum Transport {
    EPOLL,
    NIO;

    /** The system property naming the transport ({@code epoll}, {@code nio} or unset). */
    public static final String PROPERTY = "cipherline.relay.transport";

    /** The transport to use on this machine. */
    public static Transport choose() {
        String wanted = System.getProperty(PROPERTY, "").toLowerCase(Locale.ROOT);
        if (wanted.equals("nio")) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Creates the event loops' I/O handlers. */
    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** The listening socket's channel type. */
    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Why epoll is not used, or null if it is. */
    public String reason() {
        if (this == EPOLL) {
            return null;
        }
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "NIO was asked for" : String.valueOf(cause.getMessage());
    }
}
