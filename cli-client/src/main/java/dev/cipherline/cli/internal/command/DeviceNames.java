package dev.cipherline.cli.internal.command;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The name {@code init} and {@code link} give this device when none is given: the machine's host
 * name, as the operating system reports it, cut to the 64 UTF-8 bytes a device name may have; none
 * if it cannot be told.
 */
final class DeviceNames {
    private static final int MAX_BYTES = 64;

    private DeviceNames() {}

    /** {@code given} if not null, else the host name (or null). */
    static String orHostName(String given) {
        return given != null ? given : hostName();
    }

    /**
     * The host name: from the kernel's file on Linux (no name lookup, so no waiting on DNS), else
     * {@code COMPUTERNAME} on Windows, else what Java's local host lookup says.
     */
    static String hostName() {
        for (String file : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
            try {
                String name = clip(Files.readString(Path.of(file)));
                if (name != null) {
                    return name;
                }
            } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
                // not Linux, or not readable: try the next way
            }
        }
        String windows = clip(System.getenv("COMPUTERNAME"));
        if (windows != null) {
            return windows;
        }
        try {
            return clip(InetAddress.getLocalHost().getHostName());
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** {@code name} without control characters, at most 64 UTF-8 bytes, or null if none is left. */
    static String clip(String name) {
        if (name == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp)) {
                continue;
            }
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > MAX_BYTES) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += size;
        }
        String clipped = out.toString().strip();
        return clipped.isEmpty() ? null : clipped;
    }
}
