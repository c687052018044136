package dev.cipherline.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example in {@code docs/PROTOCOL.md} is a frame (or registration body) the codec reads, and
 * writes back unchanged, in JSON and in CBOR; the CBOR hex examples are the codec's exact bytes.
 * The page is parsed as it is: its {@code json} and {@code cbor-hex} code blocks.
 */
class ProtocolExamplesTest {
    private static final Path PAGE = Path.of("..", "docs", "PROTOCOL.md");
    private static final Pattern BLOCK =
            Pattern.compile("```(json|cbor-hex)\\n(.*?)\\n```", Pattern.DOTALL);
    // a byte string too long to print is written "(N bytes)" on the page
    private static final Pattern ELIDED = Pattern.compile("\"\\((\\d+) bytes\\)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FrameCodec codec = new FrameCodec();

    record Example(String kind, String text) {
        @Override
        public String toString() {
            String first = text.replaceAll("\\s+", " ");
            return kind + " " + first.substring(0, Math.min(60, first.length()));
        }
    }

    static List<Example> examples() throws IOException {
        String page = Files.readString(PAGE);
        List<Example> found = new ArrayList<>();
        Matcher m = BLOCK.matcher(page);
        while (m.find()) {
            found.add(new Example(m.group(1), m.group(2)));
        }
        return found;
    }

    static Stream<Example> jsonExamples() throws IOException {
        return examples().stream().filter(e -> e.kind().equals("json"));
    }

    static Stream<Example> cborExamples() throws IOException {
        return examples().stream().filter(e -> e.kind().equals("cbor-hex"));
    }

    /** The example with each elided byte string filled in. */
    private static String filledIn(String text) {
        Matcher m = ELIDED.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            byte[] bytes = new byte[Integer.parseInt(m.group(1))];
            bytes[0] = 0x08; // a Kyber key's type byte
            m.appendReplacement(out, "\"" + Base64.getEncoder().encodeToString(bytes) + "\"");
        }
        m.appendTail(out);
        return out.toString();
    }

    @ParameterizedTest
    @MethodSource("jsonExamples")
    void everyJsonExampleRoundTripsThroughJsonAndCbor(Example example) throws Exception {
        String json = filledIn(example.text());
        JsonNode expected = JSON.readTree(json);
        if (!expected.has("type")) {
            Registration registration = codec.decodeJson(json.getBytes(), Registration.class);
            assertEquals(expected, JSON.readTree(codec.encodeJson(registration)));
            return;
        }
        Frame frame = codec.decodeText(json);
        assertEquals(expected, JSON.readTree(codec.encodeText(frame)), "JSON round trip");
        Frame viaCbor = codec.decodeBinary(codec.encodeBinary(frame));
        assertEquals(expected, JSON.readTree(codec.encodeText(viaCbor)), "CBOR round trip");
    }

    @ParameterizedTest
    @MethodSource("cborExamples")
    void everyCborExampleIsExactlyWhatTheCodecWrites(Example example) throws Exception {
        byte[] bytes = HexFormat.of().parseHex(example.text().strip());
        Frame frame = codec.decodeBinary(bytes);
        assertArrayEquals(bytes, codec.encodeBinary(frame));
        assertArrayEquals(bytes, codec.encodeGeneral(frame), "Jackson writes the same bytes");
    }

    @Test
    void thePageHasAnExampleOfEveryFrameAndOfARegistration() throws Exception {
        Set<String> types = new HashSet<>();
        boolean registration = false;
        for (Example e : jsonExamples().toList()) {
            JsonNode tree = JSON.readTree(filledIn(e.text()));
            if (tree.has("type")) {
                types.add(tree.get("type").asText());
            } else {
                registration |= tree.has("identityKey");
            }
        }
        for (Class<?> type : Frame.class.getPermittedSubclasses()) {
            String name = type.getAnnotation(JsonTypeName.class).value();
            assertTrue(types.contains(name), "PROTOCOL.md has no example of '" + name + "'");
        }
        assertTrue(registration, "PROTOCOL.md has no registration example");
        assertFalse(cborExamples().toList().isEmpty(), "PROTOCOL.md has no CBOR example");
    }
}
