package dev.cipherline.cli.internal.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeCacheTest {
    private static final String RESOURCE = "libsignal_jni_amd64.so";

    @TempDir Path dir;

    @Test
    void platformsMapToTheResourcesLibsignalShips() {
        assertEquals(RESOURCE, NativeCache.resourceName("Linux", "amd64"));
        assertEquals(RESOURCE, NativeCache.resourceName("Linux", "x86_64"));
        assertEquals(
                "libsignal_jni_aarch64.dylib", NativeCache.resourceName("Mac OS X", "aarch64"));
        assertEquals("signal_jni_amd64.dll", NativeCache.resourceName("Windows 11", "amd64"));
        assertNull(NativeCache.resourceName("Linux", "aarch64"), "no Linux arm64 build ships");
    }

    @Test
    void theLibraryIsExtractedOnceAndReused() throws Exception {
        Path jar = jar("first version");
        Path cache = dir.resolve("cache");

        Path extracted = NativeCache.extract(jar, RESOURCE, cache);
        assertArrayEquals(bytes("first version"), Files.readAllBytes(extracted));
        FileTime written = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(extracted, written);

        Path again = NativeCache.extract(jar, RESOURCE, cache);
        assertEquals(extracted, again);
        assertEquals(written, Files.getLastModifiedTime(again), "not written a second time");
        try (var files = Files.list(extracted.getParent())) {
            assertEquals(1, files.count(), "no partial file left behind");
        }
    }

    @Test
    void aNewLibraryVersionGetsItsOwnCacheEntry() throws Exception {
        Path cache = dir.resolve("cache");
        Path old = NativeCache.extract(jar("first version"), RESOURCE, cache);
        Files.delete(dir.resolve("signal.jar"));

        Path fresh = NativeCache.extract(jar("second, longer version"), RESOURCE, cache);

        assertArrayEquals(bytes("second, longer version"), Files.readAllBytes(fresh));
        assertArrayEquals(bytes("first version"), Files.readAllBytes(old));
    }

    @Test
    void aJarWithoutTheLibraryGivesNoCacheEntry() throws Exception {
        assertNull(NativeCache.extract(jar("x"), "libsignal_jni_aarch64.dylib", dir.resolve("c")));
    }

    @Test
    void theLoaderHidesTheBundledLibraryAndServesTheCachedOne() throws Exception {
        Path jar = jar("lib");
        Path cached = NativeCache.extract(jar, RESOURCE, dir.resolve("cache"));

        try (NativeCache.Loader loader =
                new NativeCache.Loader(new URL[] {jar.toUri().toURL()}, cached)) {
            assertNull(loader.getResource(RESOURCE));
            assertNull(loader.getResource("/" + RESOURCE));
            assertNotNull(loader.getResource("other.txt"), "other resources stay visible");
            assertEquals(cached.toAbsolutePath().toString(), loader.findLibrary("signal_jni"));
            assertNull(loader.findLibrary("signal_jni_testing"));
        }
    }

    private Path jar(String library) throws Exception {
        Path jar = dir.resolve("signal.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry(RESOURCE));
            zip.write(bytes(library));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("other.txt"));
            zip.write(bytes("other"));
            zip.closeEntry();
        }
        return jar;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
