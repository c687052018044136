package dev.cipherline.android;

import android.app.Application;
import android.content.pm.ApplicationInfo;
import android.os.StrictMode;

/**
 * The app: turns StrictMode on in debug builds (so disk or network work on the main thread shows up
 * at once) and says where the store key comes from.
 */
public class SampleApplication extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
        if ((getApplicationInfo().flags & ApplicationInfo.FLAG_DEBUGGABLE) != 0) {
            StrictMode.setThreadPolicy(
                    new StrictMode.ThreadPolicy.Builder().detectAll().penaltyLog().build());
            StrictMode.setVmPolicy(
                    new StrictMode.VmPolicy.Builder()
                            .detectLeakedClosableObjects()
                            .detectLeakedRegistrationObjects()
                            .penaltyLog()
                            .build());
        }
    }

    /**
     * Where the store key comes from: the Android Keystore. The Robolectric tests override this
     * with a test key, since Robolectric has no {@code AndroidKeyStore} provider.
     */
    public StoreKeySource storeKeySource() {
        return new AndroidKeystoreKeySource(getNoBackupFilesDir());
    }
}
