package dev.cipherline.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The provisioning payload's JSON: its groups and device name, their ranges, older payloads. */
class ProvisioningPayloadTest {
    private static final String ALICE = "2kl32csxvszn4maifxnhdj6h472st6ad";
    private static final String BOB = "cv3qixwe2nrgampkl7zjqjpe2ojcnb33";
    private static final String GROUP = "00112233445566778899aabbccddeeff";

    private final FrameCodec codec = new FrameCodec();

    private static ProvisioningPayload payload(
            Integer senderDevice, String senderName, List<ProvisioningPayload.Group> groups) {
        return new ProvisioningPayload(
                1,
                ALICE,
                2,
                new byte[] {1, 2, 3},
                "Alice",
                List.of(),
                List.of(),
                1_767_225_600_000L,
                senderDevice,
                senderName,
                groups,
                null);
    }

    private static ProvisioningPayload.Group team(long epoch) {
        return new ProvisioningPayload.Group(GROUP, "team", ALICE, epoch, List.of(ALICE, BOB));
    }

    @Test
    void groupsAndTheSendersNameSurviveTheRoundTrip() throws Exception {
        ProvisioningPayload sent = payload(1, "phone", List.of(team(3)));
        String json = new String(codec.encodeJson(sent), StandardCharsets.UTF_8);
        ProvisioningPayload got =
                codec.decodeJson(json.getBytes(StandardCharsets.UTF_8), ProvisioningPayload.class);
        assertEquals(1, got.senderDeviceId());
        assertEquals("phone", got.senderDeviceName());
        assertEquals(List.of(team(3)), got.groups());
    }

    @Test
    void aPayloadFromAnOlderSenderHasNoGroupsAndNoName() throws Exception {
        String older =
                "{\"version\":1,\"accountId\":\""
                        + ALICE
                        + "\",\"deviceId\":2,\"identityKeyPair\":\"AQID\",\"name\":\"Alice\","
                        + "\"contacts\":[],\"verified\":[],\"createdAt\":1767225600000}";
        ProvisioningPayload got =
                codec.decodeJson(older.getBytes(StandardCharsets.UTF_8), ProvisioningPayload.class);
        assertEquals(List.of(), got.groups());
        assertNull(got.senderDeviceId());
        assertNull(got.senderDeviceName());
    }

    @Test
    void aGroupOutsideItsRangesIsRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ProvisioningPayload.Group("00", "team", ALICE, 1, List.of(ALICE)),
                "group ID of 1 byte");
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new ProvisioningPayload.Group(
                                GROUP.toUpperCase(java.util.Locale.ROOT),
                                "team",
                                ALICE,
                                1,
                                List.of(ALICE)),
                "upper-case hex");
        assertThrows(
                IllegalArgumentException.class,
                () -> new ProvisioningPayload.Group(GROUP, "", ALICE, 1, List.of(ALICE)),
                "empty name");
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new ProvisioningPayload.Group(
                                GROUP, "x".repeat(201), ALICE, 1, List.of(ALICE)),
                "name past 200 bytes");
        assertThrows(
                IllegalArgumentException.class,
                () -> new ProvisioningPayload.Group(GROUP, "team", ALICE, 0, List.of(ALICE)),
                "epoch 0");
        assertThrows(
                IllegalArgumentException.class,
                () -> new ProvisioningPayload.Group(GROUP, "team", ALICE, 1, List.of(BOB)),
                "admin not a member");
        assertThrows(
                IllegalArgumentException.class,
                () -> new ProvisioningPayload.Group(GROUP, "team", ALICE, 1, List.of(ALICE, "x")),
                "a member that is not an account ID");
        List<String> many = new ArrayList<>(Collections.nCopies(1000, BOB));
        many.add(ALICE);
        assertThrows(
                IllegalArgumentException.class,
                () -> new ProvisioningPayload.Group(GROUP, "team", ALICE, 1, many),
                "1001 members");
        assertThrows(
                IllegalArgumentException.class,
                () -> payload(1, "phone", Collections.nCopies(101, team(1))),
                "101 groups");
    }

    @Test
    void aDeviceNameIsOneTo64BytesWithoutControlCharacters() {
        assertEquals("é".repeat(32), payload(1, "é".repeat(32), List.of()).senderDeviceName());
        for (String bad : List.of("", "é".repeat(33), "tab\there", "del\u007f", "c1\u0085")) {
            assertThrows(IllegalArgumentException.class, () -> payload(1, bad, List.of()), bad);
        }
        assertThrows(
                IllegalArgumentException.class, () -> payload(0, "phone", List.of()), "device 0");
    }

    @Test
    void aMalformedGroupMakesThePayloadFailToParse() {
        String json =
                new String(codec.encodeJson(payload(1, "phone", List.of(team(3)))), UTF8)
                        .replace(GROUP, "not-a-group-id");
        assertThrows(
                ProtocolException.class,
                () -> codec.decodeJson(json.getBytes(UTF8), ProvisioningPayload.class));
    }

    private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
}
