package dev.cipherline.cli.internal.command;

import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.IncomingMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Saves received files into a folder: under the sender's name made safe ({@link
 * dev.cipherline.sdk.Attachment#safeFileName}), never over an existing file ({@code name (1).ext},
 * {@code name (2).ext}… created exclusively, so two commands never write the same file).
 */
final class Downloads {
    private static final int MAX_TRIES = 10_000;

    private Downloads() {}

    /**
     * Fetches and saves the file of {@code message} in {@code dir}.
     *
     * @return the file it was saved as
     * @throws ChatException if the SDK cannot fetch or verify it, or the file cannot be written
     */
    static Path save(ChatClient client, IncomingMessage message, Path dir) {
        String name = message.attachment().safeFileName();
        try (InputStream in = client.openFile(message)) {
            for (int n = 0; n < MAX_TRIES; n++) {
                Path target = dir.resolve(numbered(name, n));
                OutputStream out;
                try {
                    out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW);
                } catch (FileAlreadyExistsException e) {
                    continue;
                }
                try (OutputStream o = out) {
                    byte[] buffer = new byte[64 * 1024];
                    for (int r; (r = in.read(buffer)) >= 0; ) {
                        o.write(buffer, 0, r);
                    }
                } catch (IOException e) {
                    Files.deleteIfExists(target);
                    throw e;
                }
                return target;
            }
            throw new IOException("too many files named " + name + " in " + dir);
        } catch (IOException e) {
            throw new ChatException(
                    ChatException.Reason.STORE_FAILURE,
                    "cannot save the file of message "
                            + message.id().value()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** {@code name}, or {@code stem (n).ext} for n > 0. */
    static String numbered(String name, int n) {
        if (n == 0) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0
                ? name.substring(0, dot) + " (" + n + ")" + name.substring(dot)
                : name + " (" + n + ")";
    }
}
