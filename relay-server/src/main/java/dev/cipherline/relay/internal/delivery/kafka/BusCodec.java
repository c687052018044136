package dev.cipherline.relay.internal.delivery.kafka;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Ephemeral;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Takeover;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Wake;
import dev.cipherline.relay.internal.store.DeviceAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns {@link BusRecord}s into Kafka values and back. A value is binary, big-endian: a format byte
 * ({@value #FORMAT}), a type byte, the origin node ID, the device (account ID, then device ID as
 * two bytes), then the type's fields: a wake's seq (8 bytes); an ephemeral's {@code deliver} frame
 * as the protocol's CBOR (4-byte length first); a takeover's replaced and new connection IDs.
 * Strings are a two-byte length and UTF-8. Nothing may follow the last field. Thread-safe.
 */
final class BusCodec {
    /** The format byte that starts every value; a reader rejects any other. */
    static final byte FORMAT = 1;

    private static final byte WAKE = 1;
    private static final byte EPHEMERAL = 2;
    private static final byte TAKEOVER = 3;

    private final FrameCodec frames;

    /** A codec that checks ephemeral frames against {@code frames}' limits. */
    BusCodec(FrameCodec frames) {
        this.frames = frames;
    }

    /** The record's Kafka value. */
    byte[] encode(BusRecord record) {
        byte[] origin = utf8(record.origin());
        byte[] account = utf8(record.device().accountId());
        int size = 2 + 2 + origin.length + 2 + account.length + 2;
        byte[] deliver = null;
        byte[] replaced = null;
        byte[] taker = null;
        byte type;
        if (record instanceof Wake) {
            type = WAKE;
            size += 8;
        } else if (record instanceof Ephemeral e) {
            type = EPHEMERAL;
            deliver = frames.encodeBinary(e.deliver());
            size += 4 + deliver.length;
        } else {
            Takeover t = (Takeover) record;
            type = TAKEOVER;
            replaced = utf8(t.replacedConnection());
            taker = utf8(t.newConnection());
            size += 2 + replaced.length + 2 + taker.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(FORMAT).put(type);
        putString(out, origin);
        putString(out, account);
        out.putShort((short) record.device().deviceId());
        if (record instanceof Wake w) {
            out.putLong(w.lastSeq());
        } else if (deliver != null) {
            out.putInt(deliver.length).put(deliver);
        } else {
            putString(out, replaced);
            putString(out, taker);
        }
        return out.array();
    }

    /**
     * Reads a Kafka value.
     *
     * @throws IllegalArgumentException if it is not a well-formed record of a known type (an
     *     ephemeral's frame is checked against this codec's limits)
     */
    BusRecord decode(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("no value");
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        try {
            if (in.get() != FORMAT) {
                throw new IllegalArgumentException("unknown format");
            }
            byte type = in.get();
            String origin = getString(in);
            String account = getString(in);
            DeviceAddress device = new DeviceAddress(account, Short.toUnsignedInt(in.getShort()));
            BusRecord record =
                    switch (type) {
                        case WAKE -> new Wake(origin, device, in.getLong());
                        case EPHEMERAL -> new Ephemeral(origin, device, deliver(in));
                        case TAKEOVER -> new Takeover(origin, device, getString(in), getString(in));
                        default -> throw new IllegalArgumentException("unknown type " + type);
                    };
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("bytes after the record");
            }
            return record;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated record", e);
        }
    }

    private Frame.Deliver deliver(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("bad frame length");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        try {
            if (frames.decodeBinary(bytes) instanceof Frame.Deliver deliver) {
                return deliver;
            }
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("bad deliver frame: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not a deliver frame");
    }

    private static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xffff) {
            throw new IllegalArgumentException("string too long for a bus record");
        }
        return bytes;
    }

    private static void putString(ByteBuffer out, byte[] bytes) {
        out.putShort((short) bytes.length).put(bytes);
    }

    private static String getString(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw new IllegalArgumentException("truncated string");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
