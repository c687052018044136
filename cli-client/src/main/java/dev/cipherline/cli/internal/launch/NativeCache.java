package dev.cipherline.cli.internal.launch;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Keeps libsignal's native library extracted in a per-user cache folder and builds a class loader
 * that serves it from there.
 *
 * <p>libsignal looks for its library as a class-path resource and, when it finds one, copies it to
 * a fresh temporary file before loading it. The class loader made here hides those resources and
 * answers {@link ClassLoader#findLibrary} with the cached copy instead, so libsignal falls back to
 * {@code System.loadLibrary} and loads the cached file. The cache entry is named after the
 * library's size and CRC in the jar, so a new libsignal version gets a new entry.
 */
public final class NativeCache {
    private static final String LIBRARY = "signal_jni";

    private NativeCache() {}

    /**
     * A class loader over the jar holding {@code anchor} and its {@code lib/} folder that loads
     * libsignal's native library from the cache, or null when that is not possible here (unknown
     * platform, not running from the packaged jar, cache not writable).
     */
    public static ClassLoader classLoader(Class<?> anchor) {
        try {
            Path jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = jar.resolveSibling("lib");
            if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
                return null;
            }
            List<Path> jars = new ArrayList<>();
            jars.add(jar);
            try (Stream<Path> files = Files.list(lib)) {
                files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
            }
            Path signal =
                    jars.stream()
                            .filter(p -> p.getFileName().toString().startsWith("libsignal-client"))
                            .findFirst()
                            .orElse(null);
            String resource =
                    resourceName(System.getProperty("os.name"), System.getProperty("os.arch"));
            if (signal == null || resource == null) {
                return null;
            }
            Path library = extract(signal, resource, cacheRoot());
            return library == null ? null : new Loader(urls(jars), library);
        } catch (IOException | URISyntaxException | SecurityException e) {
            return null;
        }
    }

    /** The name of libsignal's library resource for a platform, or null if it ships none. */
    static String resourceName(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = "x86_64".equals(osArch) ? "amd64" : osArch;
        if (os.contains("linux") && "amd64".equals(arch)) {
            return "libsignal_jni_amd64.so";
        } else if (os.contains("mac") && ("amd64".equals(arch) || "aarch64".equals(arch))) {
            return "libsignal_jni_" + arch + ".dylib";
        } else if (os.contains("windows") && "amd64".equals(arch)) {
            return "signal_jni_amd64.dll";
        }
        return null;
    }

    /**
     * Extracts {@code resource} from {@code jar} into {@code cacheRoot} unless an identical copy is
     * already there; returns the cached file, or null if the jar has no such resource.
     */
    static Path extract(Path jar, String resource, Path cacheRoot) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(resource);
            if (entry == null) {
                return null;
            }
            String key = entry.getSize() + "-" + Long.toHexString(entry.getCrc());
            Path dir = cacheRoot.resolve(key);
            Path target = dir.resolve(resource);
            if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()) {
                return target;
            }
            createPrivateDirectories(dir);
            Path partial = Files.createTempFile(dir, resource, ".part");
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            return target;
        }
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base =
                xdg != null && !xdg.isBlank()
                        ? Path.of(xdg)
                        : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("cipherline").resolve("native");
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException | AccessDeniedException e) {
            // not a POSIX file system, or not ours to change: the folder stays as created
        }
    }

    private static URL[] urls(List<Path> jars) throws MalformedURLException {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = jars.get(i).toUri().toURL();
        }
        return urls;
    }

    /** Loads every class itself; hides libsignal's library resources; serves the cached copy. */
    static final class Loader extends URLClassLoader {
        private final Path library;

        Loader(URL[] urls, Path library) {
            super("cipherline", urls, ClassLoader.getPlatformClassLoader());
            this.library = library;
        }

        @Override
        public URL findResource(String name) {
            return isNativeLibrary(name) ? null : super.findResource(name);
        }

        @Override
        public Enumeration<URL> findResources(String name) throws IOException {
            return isNativeLibrary(name)
                    ? Collections.emptyEnumeration()
                    : super.findResources(name);
        }

        @Override
        protected String findLibrary(String name) {
            return LIBRARY.equals(name) ? library.toAbsolutePath().toString() : null;
        }

        private static boolean isNativeLibrary(String name) {
            String file = name.startsWith("/") ? name.substring(1) : name;
            return file.startsWith("libsignal_jni") || file.startsWith("signal_jni");
        }
    }
}
