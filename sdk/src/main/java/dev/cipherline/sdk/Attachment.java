package dev.cipherline.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * The file a message carries, as its sender described it. The file itself is fetched with {@link
 * ChatClient#openFile}; until then only this description is on the device.
 *
 * @param fileName the name the sender gave, as they gave it: never use it as a path (the CLI keeps
 *     only a sanitised last component; see {@link #safeFileName()})
 * @param mediaType the media type the sender gave (such as {@code image/png}), or empty
 * @param size the file's size in bytes
 * @param availableUntil when the relay deletes the encrypted file; fetch it before then
 */
public record Attachment(String fileName, String mediaType, long size, Instant availableUntil) {
    /** Checks the values. */
    public Attachment {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(availableUntil, "availableUntil");
        if (size < 0) {
            throw new IllegalArgumentException("size < 0");
        }
    }

    /**
     * The file name made safe to create in a folder: its last path component only, without control
     * characters, path separators or a leading dot, at most 200 characters, and {@code "file"} if
     * nothing is left.
     */
    public String safeFileName() {
        String name = fileName;
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(cut + 1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp)
                    || cp == ':'
                    || cp == '*'
                    || cp == '?'
                    || cp == '"'
                    || cp == '<'
                    || cp == '>'
                    || cp == '|'
                    || Character.getType(cp) == Character.FORMAT) {
                out.append('_');
            } else {
                out.appendCodePoint(cp);
            }
        }
        String safe = out.toString().trim();
        while (safe.startsWith(".")) {
            safe = safe.substring(1);
        }
        if (safe.length() > 200) {
            safe = safe.substring(safe.length() - 200);
        }
        return safe.isEmpty() ? "file" : safe;
    }

    /** Prints the size only: the name and type are message content. */
    @Override
    public String toString() {
        return "Attachment[" + size + " bytes]";
    }
}
