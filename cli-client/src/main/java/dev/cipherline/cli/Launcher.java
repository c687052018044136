package dev.cipherline.cli;

import dev.cipherline.cli.internal.launch.NativeCache;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The {@code cipherline.jar} entry point: runs {@link Main} with libsignal's native library loaded
 * from a per-user cache instead of extracting it (about 140 MB) to a temporary file on every run,
 * which would cost every command seconds. Falls back to running {@link Main} directly when the
 * cache cannot be used.
 */
public final class Launcher {
    private Launcher() {}

    /** Starts the CLI. */
    public static void main(String[] args) throws Throwable {
        ClassLoader loader = NativeCache.classLoader(Launcher.class);
        if (loader == null) {
            Main.main(args);
            return;
        }
        Thread.currentThread().setContextClassLoader(loader);
        Method main = loader.loadClass(Main.class.getName()).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
