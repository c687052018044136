package dev.cipherline.sdk.internal.registration;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain sockets with Nagle's algorithm off. A frame to the relay is one small write, and with Nagle
 * on it waits for the relay's delayed acknowledgement of the previous one (about 40 ms on Linux)
 * whenever that one is still unacknowledged: a message sent right after another, or right after a
 * receipt, left the device 40 ms late.
 */
final class NoDelaySocketFactory extends SocketFactory {
    static final NoDelaySocketFactory INSTANCE = new NoDelaySocketFactory();

    private final SocketFactory plain = SocketFactory.getDefault();

    private NoDelaySocketFactory() {}

    private static Socket noDelay(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(plain.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(plain.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
            throws IOException {
        return noDelay(plain.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(plain.createSocket(host, port));
    }

    @Override
    public Socket createSocket(
            InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return noDelay(plain.createSocket(address, port, localAddress, localPort));
    }
}
