package dev.cipherline.android;

import static org.robolectric.Shadows.shadowOf;

import android.app.Application;
import android.content.ComponentName;
import android.os.Looper;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.robolectric.Robolectric;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.android.controller.ServiceController;

/**
 * The app in a Robolectric test: its real {@link ChatService}, bound by the screens the way Android
 * binds it (Robolectric does not start services by itself, so the test creates it and registers its
 * binder), and helpers to wait for what the SDK's background threads do.
 */
final class AppHarness implements AutoCloseable {
    final Application app = RuntimeEnvironment.getApplication();
    final ServiceController<ChatService> controller;
    final ChatService service;

    AppHarness() {
        controller = Robolectric.buildService(ChatService.class).create();
        service = controller.get();
        shadowOf(app)
                .setComponentNameAndServiceForBindService(
                        new ComponentName(app, ChatService.class), service.onBind(null));
        idle();
    }

    /** Sets the relay URL as the settings screen does. */
    void setRelay(URI relay) {
        new Settings(app).setRelayUrl(relay);
    }

    /** Creates the identity through the service, as the setup screen does, and waits for it. */
    void initialize(URI relay, String name) {
        awaitTrue("the store checked", () -> service.state() != ChatService.State.STARTING);
        setRelay(relay);
        List<String> errors = new CopyOnWriteArrayList<>();
        ChatObserver observer =
                new ChatObserver() {
                    @Override
                    public void onError(String message) {
                        errors.add(message);
                    }
                };
        service.addObserver(observer);
        service.initialize(relay, name);
        awaitTrue(
                "the identity",
                () -> {
                    if (!errors.isEmpty() || service.state() == ChatService.State.FAILED) {
                        throw new AssertionError(
                                "setup failed: " + errors + " " + service.failure());
                    }
                    return service.state() == ChatService.State.READY;
                });
        service.removeObserver(observer);
    }

    /** Runs what the main thread has queued (the looper is paused under Robolectric). */
    static void idle() {
        shadowOf(Looper.getMainLooper()).idle();
    }

    /**
     * Runs the main looper until {@code condition} holds, while the SDK's threads work; fails after
     * a minute. A bounded wait, not a timing assertion.
     */
    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            idle();
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public void close() {
        controller.destroy();
        // the client closes on the service's io thread; wait so the next test's store is free
        awaitTrue("the client closed", () -> service.client() == null);
    }
}
