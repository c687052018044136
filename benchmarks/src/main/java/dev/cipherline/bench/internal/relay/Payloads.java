package dev.cipherline.bench.internal.relay;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The envelopes the load generator sends: random bytes (the relay never decrypts) that start with
 * the send time ({@link System#nanoTime()}, valid because sender and receiver share this process),
 * the sending stream's number and the message's number in that stream.
 */
public final class Payloads {
    /** Bytes taken by the header: time, stream, index. */
    public static final int HEADER = 16;

    private Payloads() {}

    /** A random payload of {@code size} bytes (at least {@link #HEADER}) stamped with now. */
    public static byte[] create(int size, int stream, int index) {
        byte[] payload = new byte[Math.max(size, HEADER)];
        ThreadLocalRandom.current().nextBytes(payload);
        ByteBuffer.wrap(payload).putLong(System.nanoTime()).putInt(stream).putInt(index);
        return payload;
    }

    public static long sentNanos(byte[] payload) {
        return ByteBuffer.wrap(payload).getLong(0);
    }

    public static int stream(byte[] payload) {
        return ByteBuffer.wrap(payload).getInt(8);
    }

    public static int index(byte[] payload) {
        return ByteBuffer.wrap(payload).getInt(12);
    }
}
