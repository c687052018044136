package dev.cipherline.relay.internal.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The secret that admin commands present to the admin listener: 32 random bytes, base64url, in
 * {@code admin.token} in the data directory, created at first start readable by the relay's user
 * only (mode 0600). It is compared in constant time and never logged.
 */
public final class AdminToken {
    /** The token file's name inside the data directory. */
    public static final String FILE_NAME = "admin.token";

    private static final Set<PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rw-------");

    private final byte[] token;

    private AdminToken(byte[] token) {
        this.token = token;
    }

    /**
     * Reads the token file in {@code dataDir}, creating it with a new random token (mode 0600) if
     * it does not exist.
     *
     * @throws IOException if it cannot be read or created, or is empty
     */
    public static AdminToken loadOrCreate(Path dataDir, SecureRandom random) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        Files.createDirectories(dataDir);
        if (!Files.exists(file)) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                Files.writeString(file, token + "\n");
            } catch (FileAlreadyExistsException e) {
                // another process created it first: read theirs
            } catch (UnsupportedOperationException e) {
                throw new IOException("the file system of " + dataDir + " has no POSIX modes", e);
            }
        }
        return new AdminToken(read(file).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a token file (as the admin command does).
     *
     * @throws IOException if it cannot be read or is empty
     */
    public static String read(Path file) throws IOException {
        String token = Files.readString(file).strip();
        if (token.isEmpty()) {
            throw new IOException("the admin token file " + file + " is empty");
        }
        return token;
    }

    /** Whether {@code presented} is the token; constant-time in the token's content. */
    boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }
}
