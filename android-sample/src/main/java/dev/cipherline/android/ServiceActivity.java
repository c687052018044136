package dev.cipherline.android;

import android.app.Activity;
import android.content.ComponentName;
import android.content.Intent;
import android.content.ServiceConnection;
import android.os.IBinder;

/**
 * A screen bound to {@link ChatService} while it is started (visible or about to be). It also
 * starts the service, so the service survives the moment of a rotation when no screen is bound.
 * Subclasses get {@link #onServiceReady} once bound, and hear {@link ChatObserver} events on the
 * main thread until they stop.
 */
abstract class ServiceActivity extends Activity implements ChatObserver {
    /** The bound service, or null while not bound. */
    protected ChatService service;

    private final ServiceConnection connection =
            new ServiceConnection() {
                @Override
                public void onServiceConnected(ComponentName name, IBinder binder) {
                    service = ((ChatService.LocalBinder) binder).service();
                    onServiceReady(service);
                    service.addObserver(ServiceActivity.this);
                }

                @Override
                public void onServiceDisconnected(ComponentName name) {
                    service = null;
                }
            };

    /** Called on the main thread once the service is bound, before the first observer event. */
    protected abstract void onServiceReady(ChatService service);

    @Override
    protected void onStart() {
        super.onStart();
        Intent intent = new Intent(this, ChatService.class);
        startService(intent);
        bindService(intent, connection, BIND_AUTO_CREATE);
    }

    @Override
    protected void onStop() {
        if (service != null) {
            service.removeObserver(this);
            service = null;
        }
        unbindService(connection);
        super.onStop();
    }

    @Override
    public void onError(String message) {
        Ui.showError(this, message);
    }
}
