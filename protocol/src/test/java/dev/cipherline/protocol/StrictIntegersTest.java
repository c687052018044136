package dev.cipherline.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every integer field of every frame (and of the registration body) takes integers only, in JSON
 * and in CBOR alike: a fraction, an integral float and a value beyond the field's Java type are
 * each refused with {@code malformed-frame}, never truncated or wrapped. The fields are found by
 * walking an encoded example of each frame, so a new integer field is covered without editing this
 * table.
 */
class StrictIntegersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CBORMapper CBOR = new CBORMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final FrameCodec codec = new FrameCodec();

    /** One integer field of one example frame, with the Java type it decodes into. */
    record Field(Frame example, String type, List<Object> path, Class<?> javaType) {
        @Override
        public String toString() {
            return type + " " + path + " (" + javaType.getSimpleName() + ")";
        }
    }

    /** The bad values for a field: fraction, integral float, and just past its type's range. */
    private static List<JsonNode> badValues(Class<?> javaType) {
        List<JsonNode> bad = new ArrayList<>();
        bad.add(NODES.numberNode(1.5));
        bad.add(NODES.numberNode(1.7));
        bad.add(NODES.numberNode(2.0));
        bad.add(NODES.numberNode(new BigDecimal("1e2")));
        bad.add(NODES.numberNode(BigInteger.ONE.shiftLeft(63))); // beyond long
        bad.add(NODES.numberNode(BigInteger.ONE.shiftLeft(64).negate()));
        if (javaType == int.class || javaType == Integer.class) {
            bad.add(NODES.numberNode(1L << 31)); // beyond int
            bad.add(NODES.numberNode(-(1L << 31) - 1));
            bad.add(NODES.numberNode(1L << 32)); // truncates to 0 when narrowed
        }
        return bad;
    }

    static Stream<Field> everyIntegerField() throws Exception {
        List<Field> fields = new ArrayList<>();
        for (Frame frame : FrameCodecTest.everyFrame().toList()) {
            JsonNode tree = JSON.readTree(new FrameCodec().encodeText(frame));
            collect(
                    frame,
                    tree.get("type").asText(),
                    tree,
                    frame.getClass(),
                    new ArrayList<>(),
                    fields);
        }
        return fields.stream();
    }

    private static void collect(
            Frame frame,
            String type,
            JsonNode node,
            Type javaType,
            List<Object> path,
            List<Field> out) {
        if (node.isIntegralNumber()) {
            out.add(new Field(frame, type, List.copyOf(path), raw(javaType)));
        } else if (node.isArray()) {
            Type element = ((ParameterizedType) javaType).getActualTypeArguments()[0];
            for (int i = 0; i < node.size(); i++) {
                path.add(i);
                collect(frame, type, node.get(i), element, path, out);
                path.remove(path.size() - 1);
            }
        } else if (node.isObject()) {
            Class<?> record = raw(javaType);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("type") && path.isEmpty()) {
                    continue;
                }
                path.add(e.getKey());
                collect(frame, type, e.getValue(), component(record, e.getKey()), path, out);
                path.remove(path.size() - 1);
            }
        }
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type component(Class<?> record, String name) {
        for (RecordComponent c : record.getRecordComponents()) {
            if (c.getName().equals(name)) {
                return c.getGenericType();
            }
        }
        throw new AssertionError(record.getSimpleName() + " has no field " + name);
    }

    private static JsonNode replaced(JsonNode tree, List<Object> path, JsonNode value) {
        JsonNode copy = tree.deepCopy();
        JsonNode parent = copy;
        for (int i = 0; i < path.size() - 1; i++) {
            Object step = path.get(i);
            parent = step instanceof Integer n ? parent.get(n) : parent.get((String) step);
        }
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer n) {
            ((ArrayNode) parent).set(n, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
        return copy;
    }

    @Test
    void theExamplesCoverEveryFrameTypeAndTheirIntegerFields() throws Exception {
        Set<String> covered = new HashSet<>();
        FrameCodecTest.everyFrame()
                .forEach(f -> covered.add(f.getClass().getAnnotation(JsonTypeName.class).value()));
        for (Class<?> type : Frame.class.getPermittedSubclasses()) {
            String name = type.getAnnotation(JsonTypeName.class).value();
            assertTrue(covered.contains(name), "no example of '" + name + "'");
        }
        Set<String> withIntegers = new HashSet<>();
        everyIntegerField().forEach(f -> withIntegers.add(f.type()));
        // the frames whose every field is a string, bytes or a list of those
        Set<String> without = new HashSet<>(covered);
        without.removeAll(withIntegers);
        assertEquals(
                Set.of(
                        "get-bundles",
                        "get-prekey-count",
                        "get-devices",
                        "ok",
                        "put-device-list",
                        "abandon"),
                without);
    }

    @ParameterizedTest
    @MethodSource("everyIntegerField")
    void aNonIntegerOrOutOfRangeValueIsMalformedInJsonAndCbor(Field field) throws Exception {
        JsonNode tree = JSON.readTree(codec.encodeText(field.example()));
        // the unchanged tree decodes, in both encodings, so a refusal below is the value's doing
        codec.decodeText(JSON.writeValueAsString(tree));
        codec.decodeBinary(CBOR.writeValueAsBytes(tree));

        for (JsonNode bad : badValues(field.javaType())) {
            JsonNode broken = replaced(tree, field.path(), bad);
            String json = JSON.writeValueAsString(broken);
            byte[] cbor = CBOR.writeValueAsBytes(broken);

            ProtocolException fromJson =
                    assertThrows(
                            ProtocolException.class,
                            () -> codec.decodeText(json),
                            () -> "JSON accepted " + json);
            ProtocolException fromCbor =
                    assertThrows(
                            ProtocolException.class,
                            () -> codec.decodeBinary(cbor),
                            () -> "CBOR accepted " + field + " = " + bad);
            assertEquals(ErrorCode.MALFORMED_FRAME, fromJson.code(), json);
            assertEquals(ErrorCode.MALFORMED_FRAME, fromCbor.code(), field + " = " + bad);
        }
    }

    @Test
    void aFractionalDeviceIdIsNotStoredForAnotherDevice() throws Exception {
        String bob = AccountIds.derive(new byte[33]);
        String send =
                "{\"type\":\"send\",\"clientMsgId\":\"m1\",\"kind\":\"message\",\"expiresAt\":9,"
                        + "\"recipients\":[{\"accountId\":\""
                        + bob
                        + "\",\"deviceId\":1.5,\"registrationId\":7,\"ciphertext\":\"AQ==\"}]}";
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeText(send));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
        assertThrows(
                ProtocolException.class,
                () -> codec.decodeText("{\"type\":\"ack\",\"seqs\":[1.7]}"));
        assertThrows(
                ProtocolException.class,
                () -> codec.decodeBinary(CBOR.writeValueAsBytes(JSON.readTree(send))));
    }

    @Test
    void theRegistrationBodyIsStrictToo() throws Exception {
        byte[] identityKey = new byte[33];
        identityKey[0] = 5;
        Frame.SignedPreKey ec = new Frame.SignedPreKey(1, ecKey(), new byte[64]);
        Frame.SignedPreKey kyber = new Frame.SignedPreKey(2, new byte[1569], new byte[64]);
        Registration registration =
                new Registration(
                        AccountIds.derive(identityKey),
                        1,
                        77,
                        identityKey,
                        new byte[32],
                        new byte[64],
                        ec,
                        kyber,
                        List.of(new Frame.PreKey(3, ecKey())),
                        List.of(kyber));
        JsonNode tree = JSON.readTree(codec.encodeJson(registration));
        codec.decodeJson(JSON.writeValueAsBytes(tree), Registration.class);
        List<List<Object>> paths =
                List.of(
                        List.of("deviceId"),
                        List.of("registrationId"),
                        List.of("signedPreKey", "id"),
                        List.of("lastResortKyberPreKey", "id"),
                        List.of("ecPreKeys", 0, "id"),
                        List.of("kyberPreKeys", 0, "id"));
        for (List<Object> path : paths) {
            for (JsonNode bad : badValues(int.class)) {
                byte[] body = JSON.writeValueAsBytes(replaced(tree, path, bad));
                ProtocolException e =
                        assertThrows(
                                ProtocolException.class,
                                () -> codec.decodeJson(body, Registration.class),
                                () -> new String(body, StandardCharsets.UTF_8));
                assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
            }
        }
    }

    @Test
    void integersInRangeStillDecodeAtTheirEdges() throws Exception {
        String bob = AccountIds.derive(new byte[33]);
        Frame frame =
                codec.decodeText(
                        "{\"type\":\"deliver\",\"seq\":9223372036854775807,\"sender\":\""
                                + bob
                                + "\",\"senderDevice\":127,\"clientMsgId\":\"m\",\"kind\":"
                                + "\"message\",\"serverTime\":0,\"expiresAt\":1,"
                                + "\"ciphertext\":\"AQ==\"}");
        assertEquals(Long.MAX_VALUE, ((Frame.Deliver) frame).seq());
    }

    private static byte[] ecKey() {
        byte[] key = new byte[33];
        key[0] = 5;
        return key;
    }
}
