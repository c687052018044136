package dev.cipherline.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The exact bytes that clients sign, so that a client in any language and the relay agree. Each
 * payload starts with an ASCII domain label so that a signature for one purpose is never valid for
 * another.
 */
public final class SignedPayloads {
    private static final byte[] AUTH = "cipherline-auth-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REGISTER =
            "cipherline-register-v1".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] HTTP = "cipherline-http-v1".getBytes(StandardCharsets.US_ASCII);

    private SignedPayloads() {}

    /**
     * What a device signs with its Ed25519 auth key to make an HTTP request to the blob API: {@code
     * "cipherline-http-v1" || u16 len || method (ASCII) || u16 len || target (the request line's
     * path and query exactly as sent, UTF-8) || u64 time (Unix ms) || u16 len || accountId (UTF-8)
     * || u32 deviceId || u64 contentLength || bodyDigest} where {@code bodyDigest} is the 32-byte
     * SHA-256 of the body for {@code POST} and 32 zero bytes for every other method.
     */
    public static byte[] httpRequest(
            String method,
            String target,
            long time,
            String accountId,
            int deviceId,
            long contentLength,
            byte[] bodyDigest) {
        if (bodyDigest.length != 32) {
            throw new IllegalArgumentException("the body digest must be 32 bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        out.write(HTTP, 0, HTTP.length);
        writeString(out, method);
        writeString(out, target);
        writeLong(out, time);
        writeString(out, accountId);
        writeInt(out, deviceId);
        writeLong(out, contentLength);
        out.write(bodyDigest, 0, bodyDigest.length);
        return out.toByteArray();
    }

    private static void writeLong(ByteArrayOutputStream out, long v) {
        writeInt(out, (int) (v >>> 32));
        writeInt(out, (int) v);
    }

    /**
     * What a device signs with its Ed25519 auth key to answer a challenge: {@code
     * "cipherline-auth-v1" || nonce || u16 len || accountId (UTF-8) || u32 deviceId}.
     */
    public static byte[] auth(byte[] nonce, String accountId, int deviceId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        out.write(AUTH, 0, AUTH.length); // not writeBytes (Java 11): Android 26 lacks it
        out.write(nonce, 0, nonce.length);
        writeString(out, accountId);
        writeInt(out, deviceId);
        return out.toByteArray();
    }

    /**
     * What the identity key signs (XEdDSA) to register a device: {@code "cipherline-register-v1" ||
     * u16 len || accountId (UTF-8) || u32 deviceId || u32 registrationId || authKey}.
     */
    public static byte[] registration(
            String accountId, int deviceId, int registrationId, byte[] authKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(REGISTER, 0, REGISTER.length);
        writeString(out, accountId);
        writeInt(out, deviceId);
        writeInt(out, registrationId);
        out.write(authKey, 0, authKey.length);
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write((bytes.length >>> 8) & 0xff);
        out.write(bytes.length & 0xff);
        out.write(bytes, 0, bytes.length);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write((v >>> 24) & 0xff);
        out.write((v >>> 16) & 0xff);
        out.write((v >>> 8) & 0xff);
        out.write(v & 0xff);
    }
}
