package dev.cipherline.android;

import static dev.cipherline.android.AppHarness.awaitTrue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.net.ConnectivityManager;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ConnectionState;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowNetwork;

/**
 * When a network comes back while the relay is out of reach, the service starts a new connection at
 * once instead of waiting out the SDK's backoff, and gets connected when the relay is back.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35, application = TestApplication.class)
public class NetworkChangeTest {
    @Rule public final TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void aNetworkThatComesBackReconnectsAtOnce() throws Exception {
        Path data = folder.newFolder("relay").toPath();
        RelayProcess relay = RelayProcess.start(data, 0);
        try (AppHarness app = new AppHarness()) {
            app.initialize(relay.url(), "alice");
            awaitTrue(
                    "connected", () -> app.service.connectionState() == ConnectionState.CONNECTED);
            ConnectivityManager connectivity = app.app.getSystemService(ConnectivityManager.class);
            assertTrue(
                    "the service listens for network changes",
                    shadowOf(connectivity)
                            .getNetworkCallbacks()
                            .contains(app.service.networkCallback()));

            // the relay goes away (as when the device loses its network)
            int port = relay.port();
            relay.close();
            awaitTrue(
                    "disconnected",
                    () -> app.service.connectionState() == ConnectionState.DISCONNECTED);
            ChatClient before = app.service.client();

            // a network is back: the service reopens the client now
            app.service.networkCallback().onAvailable(ShadowNetwork.newInstance(7));
            awaitTrue(
                    "a new client",
                    () -> app.service.client() != null && app.service.client() != before);
            assertNotSame(before, app.service.client());

            relay = RelayProcess.start(data, port);
            awaitTrue(
                    "connected again",
                    () -> app.service.connectionState() == ConnectionState.CONNECTED);
            assertEquals(ConnectionState.CONNECTED, app.service.client().connectionState());
        } finally {
            relay.close();
        }
    }
}
