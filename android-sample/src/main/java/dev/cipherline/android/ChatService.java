package dev.cipherline.android;

import android.app.Notification;
import android.app.NotificationChannel;
import android.app.NotificationManager;
import android.app.Service;
import android.content.Intent;
import android.content.pm.ServiceInfo;
import android.net.ConnectivityManager;
import android.net.Network;
import android.os.Binder;
import android.os.Build;
import android.os.Handler;
import android.os.IBinder;
import android.os.Looper;
import android.util.Log;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.StoreProtection;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Owns the app's one {@link ChatClient} and its connection while the app is in use.
 *
 * <p>Screens bind to it (a local {@link LocalBinder}) and start it, so it outlives a rotation, and
 * it runs in the foreground with a notification while bound. When the last screen unbinds (the app
 * went to the background) it stops itself after {@link #LINGER_MS}, which closes the client.
 *
 * <p>Threads: every SDK call that touches the disk or the network runs on one background thread,
 * {@code cipherline-io}; the SDK's listener events arrive on its {@code cipherline-events} thread
 * and are posted to the main thread, where {@link ChatObserver}s are called. Everything else here
 * (observers, typing state, the service state) is used on the main thread only.
 *
 * <p>Network changes: a {@link ConnectivityManager.NetworkCallback} reopens the client when a
 * network becomes available while the client is not connected, instead of waiting for the SDK's
 * reconnect backoff (up to 30 s).
 */
public class ChatService extends Service {
    /** Where the service is: loading the store, waiting for setup, ready, or failed. */
    public enum State {
        STARTING,
        NEEDS_SETUP,
        READY,
        FAILED
    }

    /** Work on the client, run on the io thread. */
    public interface ClientCall<T> {
        T apply(ChatClient client) throws Exception;
    }

    /** A result delivered on the main thread. */
    public interface Result<T> {
        void onResult(T value);
    }

    /** The local binder: screens in this process get the service itself. */
    public final class LocalBinder extends Binder {
        public ChatService service() {
            return ChatService.this;
        }
    }

    /** How long the service stays after the last screen unbound. */
    static final long LINGER_MS = 15_000;

    /** How long a "typing" lasts without a refresh (ChatListener#onTyping's advice). */
    static final long TYPING_TIMEOUT_MS = 15_000;

    private static final String TAG = "ChatService";
    private static final String CHANNEL = "connection";
    private static final int NOTIFICATION = 1;

    private final LocalBinder binder = new LocalBinder();
    private final Handler main = new Handler(Looper.getMainLooper());
    private final Set<ChatObserver> observers = new LinkedHashSet<>();
    private final Map<AccountId, Runnable> typing = new HashMap<>();
    private final Runnable stopWhenUnused = this::stopSelf;
    private ExecutorService io;
    private Path home;
    private StoreKeySource keySource;
    private ConnectivityManager.NetworkCallback networkCallback;

    // main thread only
    private State state = State.STARTING;
    private String failure;
    private AccountInfo account;
    private ConnectionState connection = ConnectionState.DISCONNECTED;

    // written on the io thread, read anywhere
    private volatile ChatClient client;
    // the listener of the current client: events of a closed one are stale
    private volatile Bridge bridge;

    @Override
    public void onCreate() {
        super.onCreate();
        io =
                Executors.newSingleThreadExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "cipherline-io");
                            thread.setDaemon(true);
                            return thread;
                        });
        home = new File(getNoBackupFilesDir(), "cipherline").toPath();
        keySource =
                getApplication() instanceof SampleApplication app
                        ? app.storeKeySource()
                        : new AndroidKeystoreKeySource(getNoBackupFilesDir());
        goForeground();
        registerNetworkCallback();
        io.execute(this::openIfInitialized);
    }

    @Override
    public int onStartCommand(Intent intent, int flags, int startId) {
        return START_NOT_STICKY;
    }

    @Override
    public IBinder onBind(Intent intent) {
        main.removeCallbacks(stopWhenUnused);
        return binder;
    }

    @Override
    public void onRebind(Intent intent) {
        main.removeCallbacks(stopWhenUnused);
    }

    @Override
    public boolean onUnbind(Intent intent) {
        main.postDelayed(stopWhenUnused, LINGER_MS);
        return true;
    }

    @Override
    public void onDestroy() {
        main.removeCallbacksAndMessages(null);
        if (networkCallback != null) {
            getSystemService(ConnectivityManager.class).unregisterNetworkCallback(networkCallback);
        }
        io.execute(this::closeClient);
        io.shutdown();
        super.onDestroy();
    }

    /** Adds a screen's observer and tells it the current state (main thread). */
    public void addObserver(ChatObserver observer) {
        observers.add(observer);
        observer.onServiceState(state);
        observer.onConnectionState(connection);
    }

    public void removeObserver(ChatObserver observer) {
        observers.remove(observer);
    }

    public State state() {
        return state;
    }

    /** Why the service is {@link State#FAILED}, or null. */
    public String failure() {
        return failure;
    }

    /** The local account once {@link State#READY}, else null. */
    public AccountInfo account() {
        return account;
    }

    public ConnectionState connectionState() {
        return connection;
    }

    /** Whether {@code peer} is typing to this account right now. */
    public boolean isTyping(AccountId peer) {
        return typing.containsKey(peer);
    }

    /**
     * Creates the identity (registering with the relay at {@code relayUrl}) and opens the client;
     * observers hear {@link State#READY}, or {@code onError} with the reason.
     */
    public void initialize(URI relayUrl, String name) {
        io.execute(
                () -> {
                    byte[] key = null;
                    try {
                        key = keySource.storeKey();
                        StoreProtection protection = StoreProtection.appKey(key);
                        ChatClient.initializer()
                                .home(home)
                                .relayUrl(relayUrl)
                                .name(name.isBlank() ? null : name.trim())
                                .protection(protection)
                                .initialize();
                        protection.wipe();
                    } catch (ChatException e) {
                        post(() -> error(e.getMessage()));
                        return;
                    } catch (Exception e) {
                        Log.w(TAG, "cannot create the identity: " + e.getClass().getSimpleName());
                        post(() -> error("Cannot create the identity: " + e.getMessage()));
                        return;
                    } finally {
                        if (key != null) {
                            Arrays.fill(key, (byte) 0);
                        }
                    }
                    openIfInitialized();
                });
    }

    /**
     * Runs {@code call} on the io thread with the open client and hands its result to {@code
     * result} on the main thread; a failure goes to the observers' {@code onError}.
     */
    public <T> void call(ClientCall<T> call, Result<T> result) {
        io.execute(
                () -> {
                    ChatClient current = client;
                    if (current == null) {
                        post(() -> error("Not ready yet"));
                        return;
                    }
                    try {
                        T value = call.apply(current);
                        post(() -> result.onResult(value));
                    } catch (ChatException | IllegalArgumentException e) {
                        post(() -> error(e.getMessage()));
                    } catch (Exception e) {
                        Log.w(TAG, "a call failed: " + e.getClass().getSimpleName());
                        post(() -> error("Failed: " + e.getClass().getSimpleName()));
                    }
                });
    }

    /** {@link #call} for work whose result nobody waits for. */
    public void run(ClientCall<?> call) {
        call(call, ignored -> {});
    }

    /** Closes and opens the client again, e.g. after the relay URL changed. */
    public void reopen() {
        io.execute(
                () -> {
                    closeClient();
                    openIfInitialized();
                });
    }

    /** The client, for code already on the io thread or in tests; null until ready. */
    ChatClient client() {
        return client;
    }

    /** The network callback, for tests. */
    ConnectivityManager.NetworkCallback networkCallback() {
        return networkCallback;
    }

    private void openIfInitialized() {
        if (client != null) {
            return;
        }
        if (!ChatClient.isInitialized(home)) {
            post(() -> setState(State.NEEDS_SETUP, null));
            return;
        }
        byte[] key = null;
        try {
            key = keySource.storeKey();
            StoreProtection protection = StoreProtection.appKey(key);
            Bridge listener = new Bridge();
            bridge = listener;
            ChatClient.Builder builder =
                    ChatClient.builder().home(home).protection(protection).listener(listener);
            URI relay = new Settings(this).relayUrl();
            if (relay != null) {
                builder.relayUrl(relay);
            }
            ChatClient opened = builder.build();
            protection.wipe();
            client = opened;
            AccountInfo info = opened.whoami();
            post(
                    () -> {
                        account = info;
                        setState(State.READY, null);
                    });
        } catch (ChatException e) {
            post(() -> setState(State.FAILED, e.getMessage()));
        } catch (Exception e) {
            Log.w(TAG, "cannot open the store: " + e.getClass().getSimpleName());
            post(() -> setState(State.FAILED, "Cannot open the store: " + e.getMessage()));
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    private void closeClient() {
        ChatClient current = client;
        client = null;
        if (current != null) {
            current.close();
        }
    }

    private void reconnectIfDown() {
        ChatClient current = client;
        // an attempt still under way was made on the old network: start over on the new one
        if (current != null && current.connectionState() != ConnectionState.CONNECTED) {
            Log.i(TAG, "network available while not connected: reconnecting now");
            closeClient();
            openIfInitialized();
        }
    }

    private void registerNetworkCallback() {
        networkCallback =
                new ConnectivityManager.NetworkCallback() {
                    @Override
                    public void onAvailable(Network network) {
                        io.execute(ChatService.this::reconnectIfDown);
                    }
                };
        getSystemService(ConnectivityManager.class).registerDefaultNetworkCallback(networkCallback);
    }

    private void goForeground() {
        NotificationManager notifications = getSystemService(NotificationManager.class);
        notifications.createNotificationChannel(
                new NotificationChannel(
                        CHANNEL, "Connection to the relay", NotificationManager.IMPORTANCE_LOW));
        Notification notification =
                new Notification.Builder(this, CHANNEL)
                        .setSmallIcon(android.R.drawable.stat_notify_sync)
                        .setContentTitle("Cipherline")
                        .setContentText("Receiving messages")
                        .setOngoing(true)
                        .build();
        if (Build.VERSION.SDK_INT >= 34) {
            startForeground(
                    NOTIFICATION,
                    notification,
                    ServiceInfo.FOREGROUND_SERVICE_TYPE_REMOTE_MESSAGING);
        } else {
            startForeground(NOTIFICATION, notification);
        }
    }

    private void post(Runnable onMain) {
        main.post(onMain);
    }

    private void setState(State next, String why) {
        state = next;
        failure = why;
        for (ChatObserver observer : observers.toArray(new ChatObserver[0])) {
            observer.onServiceState(next);
        }
    }

    private void error(String message) {
        for (ChatObserver observer : observers.toArray(new ChatObserver[0])) {
            observer.onError(message);
        }
    }

    private void setTyping(AccountId from, boolean on) {
        Runnable timeout = typing.remove(from);
        if (timeout != null) {
            main.removeCallbacks(timeout);
        }
        if (on) {
            Runnable expire = () -> setTyping(from, false);
            typing.put(from, expire);
            main.postDelayed(expire, TYPING_TIMEOUT_MS);
        }
        if (on || timeout != null) {
            for (ChatObserver observer : observers.toArray(new ChatObserver[0])) {
                observer.onTyping(from, on);
            }
        }
    }

    /** The SDK's listener: every event is posted to the main thread. */
    private final class Bridge implements ChatListener {
        @Override
        public void onMessage(IncomingMessage message) {
            post(
                    () -> {
                        setTyping(message.from(), false);
                        for (ChatObserver observer : observers.toArray(new ChatObserver[0])) {
                            observer.onMessage(message);
                            observer.onConversationsChanged();
                        }
                    });
        }

        @Override
        public void onMessageState(MessageId id, MessageState messageState) {
            post(
                    () -> {
                        for (ChatObserver observer : observers.toArray(new ChatObserver[0])) {
                            observer.onMessageState(id, messageState);
                        }
                    });
        }

        @Override
        public void onTyping(AccountId from, boolean isTyping) {
            post(() -> setTyping(from, isTyping));
        }

        @Override
        public void onConnectionState(ConnectionState connectionState) {
            post(
                    () -> {
                        if (bridge != this) {
                            return; // a client closed for a reconnect: its CLOSED is stale
                        }
                        connection = connectionState;
                        for (ChatObserver observer : observers.toArray(new ChatObserver[0])) {
                            observer.onConnectionState(connectionState);
                        }
                    });
        }

        @Override
        public void onError(ChatException error) {
            post(() -> error(error.getMessage()));
        }
    }
}
