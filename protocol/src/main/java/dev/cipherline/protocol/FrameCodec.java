package dev.cipherline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes {@link Frame}s as CBOR (binary WebSocket frames) or JSON (text frames), and
 * the JSON bodies of the HTTP API. Decoding enforces the {@link Limits} and the schema, so a
 * decoded frame is safe to act on. Thread-safe; share one instance.
 */
public final class FrameCodec {
    private static final int MAX_NESTING = 16;

    private final Limits limits;
    private final ObjectMapper cbor;
    private final ObjectMapper json;
    // readers resolved once: readValue(bytes, Class) looks the type up on every call
    private final ObjectReader cborFrames;
    private final ObjectReader jsonFrames;

    /** A codec enforcing {@link Limits#DEFAULT}. */
    public FrameCodec() {
        this(Limits.DEFAULT);
    }

    /** A codec enforcing the given limits. */
    public FrameCodec(Limits limits) {
        this.limits = limits;
        StreamReadConstraints constraints =
                StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxStringLength(limits.maxFrameBytes() * 2)
                        .maxNumberLength(32)
                        .build();
        CBORFactory cborFactory =
                CBORFactory.builder()
                        .streamReadConstraints(constraints)
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .build();
        JsonFactory jsonFactory =
                JsonFactory.builder()
                        .streamReadConstraints(constraints)
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .build();
        this.cbor = configure(CBORMapper.builder(cborFactory)).build();
        this.json = configure(JsonMapper.builder(jsonFactory)).build();
        this.cborFrames = cbor.readerFor(Frame.class);
        this.jsonFrames = json.readerFor(Frame.class);
    }

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
        return builder.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                // an integer field takes an integer only: 1.5 (or 1.0) for a device ID or a seq
                // was silently truncated, so a client's bug addressed or acknowledged another entry
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .serializationInclusion(JsonInclude.Include.NON_NULL);
    }

    /** The limits this codec enforces. */
    public Limits limits() {
        return limits;
    }

    /** Encodes a frame as CBOR for a binary WebSocket frame. */
    public byte[] encodeBinary(Frame frame) {
        byte[] hot = HotFrames.encode(frame);
        return hot != null ? hot : write(cbor, frame);
    }

    /** Encodes a frame as CBOR through Jackson alone, as every frame but the hot four is. */
    byte[] encodeGeneral(Frame frame) {
        return write(cbor, frame);
    }

    /** Decodes a CBOR frame through Jackson alone, without the size check and limits. */
    Frame decodeGeneral(byte[] data) throws ProtocolException {
        return read(cborFrames, data);
    }

    /** Encodes a frame as JSON for a text WebSocket frame. */
    public String encodeText(Frame frame) {
        return new String(write(json, frame), StandardCharsets.UTF_8);
    }

    /**
     * Decodes a CBOR frame.
     *
     * @throws ProtocolException with {@link ErrorCode#FRAME_TOO_LARGE}, {@link
     *     ErrorCode#MALFORMED_FRAME} or a limit's code
     */
    public Frame decodeBinary(byte[] data) throws ProtocolException {
        checkFrameSize(data.length);
        Frame hot = HotFrames.decode(data);
        return check(hot != null ? hot : read(cborFrames, data));
    }

    /**
     * Decodes a JSON frame.
     *
     * @throws ProtocolException as {@link #decodeBinary}
     */
    public Frame decodeText(String text) throws ProtocolException {
        checkFrameSize(text.length());
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        checkFrameSize(data.length);
        return check(read(jsonFrames, data));
    }

    /** Encodes an HTTP API body as JSON. */
    public byte[] encodeJson(Object body) {
        return write(json, body);
    }

    /**
     * Decodes an HTTP API JSON body of the given type.
     *
     * @throws ProtocolException with {@link ErrorCode#MALFORMED_FRAME} if it does not parse or
     *     fails the schema, {@link ErrorCode#FRAME_TOO_LARGE} if it is over the frame limit
     */
    public <T> T decodeJson(byte[] data, Class<T> type) throws ProtocolException {
        checkFrameSize(data.length);
        T value = read(json.readerFor(type), data);
        if (value instanceof Registration r) {
            checkPreKeyCounts(r.ecPreKeys().size(), r.kyberPreKeys().size());
        }
        return value;
    }

    /**
     * Checks a frame against the limits: recipients, envelope sizes, prekeys per upload. Decoding
     * calls this; a client may call it before sending.
     *
     * @return the frame
     * @throws ProtocolException naming the limit that was exceeded
     */
    public Frame check(Frame frame) throws ProtocolException {
        if (frame instanceof Frame.Send send) {
            if (send.recipients().size() > limits.maxRecipients()) {
                throw new ProtocolException(
                        ErrorCode.TOO_MANY_RECIPIENTS,
                        "a send may address at most " + limits.maxRecipients() + " devices");
            }
            if (send.body() != null) {
                checkEnvelope(send.body().length);
            }
            for (Frame.Recipient r : send.recipients()) {
                if (r.ciphertext() != null) {
                    checkEnvelope(r.ciphertext().length);
                }
            }
        } else if (frame instanceof Frame.UploadPreKeys upload) {
            checkPreKeyCounts(upload.ecPreKeys().size(), upload.kyberPreKeys().size());
        }
        return frame;
    }

    private void checkPreKeyCounts(int ec, int kyber) throws ProtocolException {
        if (ec > limits.maxPreKeysPerUpload() || kyber > limits.maxPreKeysPerUpload()) {
            throw new ProtocolException(
                    ErrorCode.INVALID_REQUEST,
                    "at most "
                            + limits.maxPreKeysPerUpload()
                            + " one-time prekeys of each kind per upload");
        }
    }

    private void checkEnvelope(int length) throws ProtocolException {
        if (length > limits.maxEnvelopeBytes()) {
            throw new ProtocolException(
                    ErrorCode.ENVELOPE_TOO_LARGE,
                    "envelope of "
                            + length
                            + " bytes exceeds the limit of "
                            + limits.maxEnvelopeBytes());
        }
    }

    private void checkFrameSize(int length) throws ProtocolException {
        if (length > limits.maxFrameBytes()) {
            throw new ProtocolException(
                    ErrorCode.FRAME_TOO_LARGE,
                    "frame of " + length + " bytes exceeds the limit of " + limits.maxFrameBytes());
        }
    }

    private static byte[] write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(ObjectReader reader, byte[] data) throws ProtocolException {
        try {
            T value = reader.readValue(data);
            if (value == null) {
                throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "empty frame");
            }
            return value;
        } catch (InvalidTypeIdException e) {
            throw new ProtocolException(
                    ErrorCode.MALFORMED_FRAME,
                    e.getTypeId() == null
                            ? "frame has no 'type'"
                            : "unknown frame type '" + e.getTypeId() + "'");
        } catch (JsonMappingException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, reason(e));
        } catch (JsonProcessingException e) {
            throw new ProtocolException(
                    ErrorCode.MALFORMED_FRAME, "frame does not parse: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "frame does not parse");
        } catch (RuntimeException e) {
            // Jackson has let unchecked exceptions out on hostile input (a CBOR byte string where
            // an array-wrapped type ID belongs threw NullPointerException, found by fuzzing):
            // whatever the parser throws, the input is malformed, not a failure of the caller
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "frame does not parse");
        }
    }

    private static String reason(JsonMappingException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof IllegalArgumentException) {
            return cause.getMessage();
        }
        return "frame does not match the schema: " + e.getOriginalMessage();
    }
}
