package dev.cipherline.sdk.internal.registration;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.RelayTrust;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * Every socket the SDK opens to a relay has Nagle's algorithm off; with it on, a frame written
 * while the previous one was still unacknowledged waited for the relay's delayed ACK (about 40 ms).
 */
class NoDelaySocketFactoryTest {
    @Test
    void theRelayClientsSocketsHaveNagleOff() throws Exception {
        for (String relay : new String[] {"http://127.0.0.1:7400", "https://relay.example"}) {
            OkHttpClient http =
                    Registrar.forRelay(
                                    List.of(URI.create(relay)),
                                    RelayTrust.system(),
                                    new OkHttpClient.Builder())
                            .build();
            assertSame(NoDelaySocketFactory.INSTANCE, http.socketFactory(), relay);
        }
    }

    @Test
    void everyKindOfSocketItMakesHasTcpNoDelay() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetAddress host = InetAddress.getLoopbackAddress();
            int port = server.getLocalPort();
            NoDelaySocketFactory f = NoDelaySocketFactory.INSTANCE;
            try (Socket unconnected = f.createSocket();
                    Socket byName = f.createSocket(host.getHostAddress(), port);
                    Socket byAddress = f.createSocket(host, port);
                    Socket byNameFrom = f.createSocket(host.getHostAddress(), port, host, 0);
                    Socket byAddressFrom = f.createSocket(host, port, host, 0)) {
                for (Socket s :
                        new Socket[] {unconnected, byName, byAddress, byNameFrom, byAddressFrom}) {
                    assertTrue(s.getTcpNoDelay(), s.toString());
                }
            }
        }
    }
}
