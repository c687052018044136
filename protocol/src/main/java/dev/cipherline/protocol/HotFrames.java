package dev.cipherline.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CBOR for the four frames of every message ({@code send}, {@code accepted}, {@code deliver},
 * {@code ack}) without Jackson's data binding, which cost several microseconds per frame on each
 * side of the relay.
 *
 * <p>Encoding writes exactly the bytes Jackson writes: an indefinite-length map with {@code type}
 * first, then the record's fields in declaration order, nulls left out, integers in their shortest
 * form, definite-length arrays, strings and byte strings.
 *
 * <p>Decoding takes only the plain form: {@code type} first, every other key known and present at
 * most once, each value of exactly the expected CBOR type and range, required fields present, ASCII
 * strings, nothing after the map. Anything else makes {@link #decode} return null and the caller
 * hands the bytes to Jackson, so every unusual or hostile input gets the same answer (and error
 * message) as before. The records' constructors still check every value.
 */
final class HotFrames {
    private static final int MAJOR_UNSIGNED = 0;
    private static final int MAJOR_NEGATIVE = 1;
    private static final int MAJOR_BYTES = 2;
    private static final int MAJOR_TEXT = 3;
    private static final int MAJOR_ARRAY = 4;
    private static final int MAJOR_MAP = 5;
    private static final int START_MAP = 0xbf;
    private static final int BREAK = 0xff;
    private static final int INDEFINITE = -1;

    private HotFrames() {}

    /** The frame as CBOR, or null if it is not one of the four hot frames. */
    static byte[] encode(Frame frame) {
        if (!isHot(frame)) {
            return null;
        }
        Writer w = new Writer(estimate(frame));
        if (frame instanceof Frame.Send s) {
            w.head("send");
            w.text("clientMsgId", s.clientMsgId());
            w.text("kind", kindName(s.kind()));
            w.number("expiresAt", s.expiresAt());
            if (s.body() != null) {
                w.key("body");
                w.bytes(s.body());
            }
            w.key("recipients");
            w.length(MAJOR_ARRAY, s.recipients().size());
            for (Frame.Recipient r : s.recipients()) {
                w.out(START_MAP);
                w.text("accountId", r.accountId());
                w.number("deviceId", r.deviceId());
                w.number("registrationId", r.registrationId());
                if (r.ciphertext() != null) {
                    w.key("ciphertext");
                    w.bytes(r.ciphertext());
                }
                w.out(BREAK);
            }
        } else if (frame instanceof Frame.Accepted a) {
            w.head("accepted");
            w.text("clientMsgId", a.clientMsgId());
            w.number("serverTime", a.serverTime());
        } else if (frame instanceof Frame.Deliver d) {
            w.head("deliver");
            w.number("seq", d.seq());
            w.text("sender", d.sender());
            w.number("senderDevice", d.senderDevice());
            w.text("clientMsgId", d.clientMsgId());
            w.text("kind", kindName(d.kind()));
            w.number("serverTime", d.serverTime());
            w.number("expiresAt", d.expiresAt());
            w.key("ciphertext");
            w.bytes(d.ciphertext());
        } else if (frame instanceof Frame.Ack a) {
            w.head("ack");
            w.key("seqs");
            w.length(MAJOR_ARRAY, a.seqs().size());
            for (long seq : a.seqs()) {
                w.integer(seq);
            }
        }
        w.out(BREAK);
        return w.toByteArray();
    }

    private static boolean isHot(Frame frame) {
        return frame instanceof Frame.Send
                || frame instanceof Frame.Accepted
                || frame instanceof Frame.Deliver
                || frame instanceof Frame.Ack;
    }

    private static int estimate(Frame frame) {
        if (frame instanceof Frame.Send s) {
            int size = 96 + (s.body() == null ? 0 : s.body().length);
            for (Frame.Recipient r : s.recipients()) {
                size += 80 + (r.ciphertext() == null ? 0 : r.ciphertext().length);
            }
            return size;
        }
        if (frame instanceof Frame.Deliver d) {
            return 192 + d.ciphertext().length;
        }
        return 96;
    }

    private static String kindName(Kind kind) {
        return kind == Kind.MESSAGE ? "message" : "ephemeral";
    }

    /**
     * The frame {@code data} holds, or null if it is not a hot frame in the plain form (the caller
     * then decodes it with Jackson).
     */
    static Frame decode(byte[] data) {
        try {
            Reader r = new Reader(data);
            Frame frame = r.frame();
            return r.atEnd() ? frame : null;
        } catch (NotPlain | IllegalArgumentException e) {
            // IllegalArgumentException: a record refused a value; Jackson words the error
            return null;
        }
    }

    /** Thrown inside the reader when the input leaves the plain form. */
    private static final class NotPlain extends Exception {
        private static final NotPlain INSTANCE = new NotPlain();

        private NotPlain() {
            super(null, null, false, false);
        }
    }

    private static final class Reader {
        private final byte[] data;
        private int pos;

        Reader(byte[] data) {
            this.data = data;
        }

        boolean atEnd() {
            return pos == data.length;
        }

        Frame frame() throws NotPlain {
            int entries = mapStart();
            if (entries == 0 || !key().equals("type")) {
                throw NotPlain.INSTANCE;
            }
            String type = text();
            int left = entries == INDEFINITE ? INDEFINITE : entries - 1;
            switch (type) {
                case "send":
                    return send(left);
                case "accepted":
                    return accepted(left);
                case "deliver":
                    return deliver(left);
                case "ack":
                    return ack(left);
                default:
                    throw NotPlain.INSTANCE;
            }
        }

        private Frame send(int entries) throws NotPlain {
            String clientMsgId = null;
            Kind kind = null;
            Long expiresAt = null;
            byte[] body = null;
            List<Frame.Recipient> recipients = null;
            for (int i = 0; more(entries, i); i++) {
                switch (key()) {
                    case "clientMsgId" -> clientMsgId = once(clientMsgId, text());
                    case "kind" -> kind = once(kind, kind());
                    case "expiresAt" -> expiresAt = once(expiresAt, integer());
                    case "body" -> body = once(body, bytes());
                    case "recipients" -> recipients = once(recipients, recipients());
                    default -> throw NotPlain.INSTANCE;
                }
            }
            return new Frame.Send(
                    required(clientMsgId), required(kind), required(expiresAt), body, recipients);
        }

        private List<Frame.Recipient> recipients() throws NotPlain {
            int n = length(MAJOR_ARRAY);
            List<Frame.Recipient> list = new ArrayList<>(n == INDEFINITE ? 4 : Math.min(n, 64));
            for (int i = 0; more(n, i); i++) {
                list.add(recipient());
            }
            return list;
        }

        private Frame.Recipient recipient() throws NotPlain {
            int entries = mapStart();
            String accountId = null;
            Integer deviceId = null;
            Integer registrationId = null;
            byte[] ciphertext = null;
            for (int i = 0; more(entries, i); i++) {
                switch (key()) {
                    case "accountId" -> accountId = once(accountId, text());
                    case "deviceId" -> deviceId = once(deviceId, smallInt());
                    case "registrationId" -> registrationId = once(registrationId, smallInt());
                    case "ciphertext" -> ciphertext = once(ciphertext, bytes());
                    default -> throw NotPlain.INSTANCE;
                }
            }
            return new Frame.Recipient(
                    required(accountId), required(deviceId), required(registrationId), ciphertext);
        }

        private Frame accepted(int entries) throws NotPlain {
            String clientMsgId = null;
            Long serverTime = null;
            for (int i = 0; more(entries, i); i++) {
                switch (key()) {
                    case "clientMsgId" -> clientMsgId = once(clientMsgId, text());
                    case "serverTime" -> serverTime = once(serverTime, integer());
                    default -> throw NotPlain.INSTANCE;
                }
            }
            return new Frame.Accepted(required(clientMsgId), required(serverTime));
        }

        private Frame deliver(int entries) throws NotPlain {
            Long seq = null;
            String sender = null;
            Integer senderDevice = null;
            String clientMsgId = null;
            Kind kind = null;
            Long serverTime = null;
            Long expiresAt = null;
            byte[] ciphertext = null;
            for (int i = 0; more(entries, i); i++) {
                switch (key()) {
                    case "seq" -> seq = once(seq, integer());
                    case "sender" -> sender = once(sender, text());
                    case "senderDevice" -> senderDevice = once(senderDevice, smallInt());
                    case "clientMsgId" -> clientMsgId = once(clientMsgId, text());
                    case "kind" -> kind = once(kind, kind());
                    case "serverTime" -> serverTime = once(serverTime, integer());
                    case "expiresAt" -> expiresAt = once(expiresAt, integer());
                    case "ciphertext" -> ciphertext = once(ciphertext, bytes());
                    default -> throw NotPlain.INSTANCE;
                }
            }
            return new Frame.Deliver(
                    required(seq),
                    required(sender),
                    required(senderDevice),
                    required(clientMsgId),
                    required(kind),
                    required(serverTime),
                    required(expiresAt),
                    required(ciphertext));
        }

        private Frame ack(int entries) throws NotPlain {
            List<Long> seqs = null;
            for (int i = 0; more(entries, i); i++) {
                if (!key().equals("seqs") || seqs != null) {
                    throw NotPlain.INSTANCE;
                }
                int n = length(MAJOR_ARRAY);
                seqs = new ArrayList<>(n == INDEFINITE ? 8 : Math.min(n, 256));
                for (int k = 0; more(n, k); k++) {
                    seqs.add(integer());
                }
            }
            return new Frame.Ack(required(seqs));
        }

        /** Whether a map or array of {@code n} items ({@link #INDEFINITE}) has an item at i. */
        private boolean more(int n, int i) throws NotPlain {
            if (n != INDEFINITE) {
                return i < n;
            }
            if (pos >= data.length) {
                throw NotPlain.INSTANCE;
            }
            if ((data[pos] & 0xff) == BREAK) {
                pos++;
                return false;
            }
            return true;
        }

        private static <T> T once(T previous, T value) throws NotPlain {
            if (previous != null) {
                throw NotPlain.INSTANCE; // a duplicate key: Jackson refuses it in its own words
            }
            return value;
        }

        private static <T> T required(T value) throws NotPlain {
            if (value == null) {
                throw NotPlain.INSTANCE;
            }
            return value;
        }

        private int mapStart() throws NotPlain {
            return length(MAJOR_MAP);
        }

        private String key() throws NotPlain {
            return text();
        }

        private Kind kind() throws NotPlain {
            return switch (text()) {
                case "message" -> Kind.MESSAGE;
                case "ephemeral" -> Kind.EPHEMERAL;
                default -> throw NotPlain.INSTANCE;
            };
        }

        /** A definite-length ASCII text string. */
        private String text() throws NotPlain {
            int n = length(MAJOR_TEXT);
            if (n == INDEFINITE || n > data.length - pos) {
                throw NotPlain.INSTANCE;
            }
            for (int i = pos; i < pos + n; i++) {
                if (data[i] < 0) {
                    throw NotPlain.INSTANCE;
                }
            }
            String s = new String(data, pos, n, StandardCharsets.US_ASCII);
            pos += n;
            return s;
        }

        /** A definite-length byte string. */
        private byte[] bytes() throws NotPlain {
            int n = length(MAJOR_BYTES);
            if (n == INDEFINITE || n > data.length - pos) {
                throw NotPlain.INSTANCE;
            }
            byte[] b = new byte[n];
            System.arraycopy(data, pos, b, 0, n);
            pos += n;
            return b;
        }

        /** An unsigned integer that fits in a long. */
        private long integer() throws NotPlain {
            long v = argument(MAJOR_UNSIGNED);
            if (v < 0) {
                throw NotPlain.INSTANCE;
            }
            return v;
        }

        /** An unsigned integer that fits in an int. */
        private int smallInt() throws NotPlain {
            long v = integer();
            if (v > Integer.MAX_VALUE) {
                throw NotPlain.INSTANCE;
            }
            return (int) v;
        }

        /** The length of a definite item of the major type, or {@link #INDEFINITE}. */
        private int length(int major) throws NotPlain {
            if (pos >= data.length) {
                throw NotPlain.INSTANCE;
            }
            if ((data[pos] & 0xff) == ((major << 5) | 31)
                    && (major == MAJOR_MAP || major == MAJOR_ARRAY)) {
                pos++;
                return INDEFINITE;
            }
            long n = argument(major);
            if (n < 0 || n > data.length) {
                throw NotPlain.INSTANCE;
            }
            return (int) n;
        }

        /** The argument of the next item, which must be of {@code major}; negative if huge. */
        private long argument(int major) throws NotPlain {
            if (pos >= data.length) {
                throw NotPlain.INSTANCE;
            }
            int initial = data[pos++] & 0xff;
            if (initial >>> 5 != major) {
                throw NotPlain.INSTANCE;
            }
            int info = initial & 31;
            if (info < 24) {
                return info;
            }
            int size =
                    switch (info) {
                        case 24 -> 1;
                        case 25 -> 2;
                        case 26 -> 4;
                        case 27 -> 8;
                        default -> throw NotPlain.INSTANCE;
                    };
            if (size > data.length - pos) {
                throw NotPlain.INSTANCE;
            }
            long v = 0;
            for (int i = 0; i < size; i++) {
                v = (v << 8) | (data[pos++] & 0xff);
            }
            return v;
        }
    }

    private static final class Writer {
        private byte[] buf;
        private int pos;

        Writer(int capacity) {
            buf = new byte[capacity];
        }

        void head(String type) {
            out(START_MAP);
            text("type", type);
        }

        void key(String key) {
            string(key);
        }

        void text(String key, String value) {
            string(key);
            string(value);
        }

        void number(String key, long value) {
            string(key);
            integer(value);
        }

        void integer(long value) {
            if (value >= 0) {
                length(MAJOR_UNSIGNED, value);
            } else {
                length(MAJOR_NEGATIVE, -1 - value);
            }
        }

        void bytes(byte[] value) {
            length(MAJOR_BYTES, value.length);
            put(value);
        }

        private void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            length(MAJOR_TEXT, utf8.length);
            put(utf8);
        }

        void length(int major, long n) {
            int type = major << 5;
            if (n < 24) {
                out(type | (int) n);
            } else if (n < 0x100) {
                out(type | 24);
                out((int) n);
            } else if (n < 0x10000) {
                out(type | 25);
                big(n, 2);
            } else if (n < 0x100000000L) {
                out(type | 26);
                big(n, 4);
            } else {
                out(type | 27);
                big(n, 8);
            }
        }

        private void big(long n, int size) {
            for (int i = size - 1; i >= 0; i--) {
                out((int) (n >>> (8 * i)));
            }
        }

        void out(int b) {
            room(1);
            buf[pos++] = (byte) b;
        }

        private void put(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        private void room(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        byte[] toByteArray() {
            return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
        }
    }
}
