package dev.cipherline.sdk.internal.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentTest {
    @Test
    void textRoundTripsIncludingEmptyAndNonAscii() throws Exception {
        for (String text : new String[] {"hello", "", "grüße 👋 \n\t", "x".repeat(10_000)}) {
            assertEquals(new Content.Text(text), Content.decode(Content.encodeText(text)));
        }
    }

    @Test
    void groupContentsRoundTrip() throws Exception {
        String id = "00112233445566778899aabbccddeeff";
        assertEquals(
                new Content.GroupText(7, "grüße"),
                Content.decode(Content.encodeGroupText(7, "grüße")));
        Content.GroupUpdate update =
                new Content.GroupUpdate(
                        id, 3, "a".repeat(32), "team ✓", List.of("a".repeat(32), "b".repeat(32)));
        assertEquals(update, Content.decode(Content.encodeGroupUpdate(update)));
        assertEquals(new Content.GroupLeave(id), Content.decode(Content.encodeGroupLeave(id)));
        Content.SenderKey key =
                (Content.SenderKey) Content.decode(Content.encodeSenderKey(id, new byte[] {9, 8}));
        assertEquals(id, key.groupId());
        assertArrayEquals(new byte[] {9, 8}, key.distribution());
    }

    @Test
    void malformedGroupContentsAreRefused() {
        byte[] update =
                Content.encodeGroupUpdate(
                        new Content.GroupUpdate(
                                "00112233445566778899aabbccddeeff",
                                1,
                                "a".repeat(32),
                                "x",
                                List.of("a".repeat(32))));
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(java.util.Arrays.copyOf(update, update.length - 1)));
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(new byte[] {1, 4, 0, 0, 0, 0, 0, 0, 0, 0}),
                "sequence number 0");
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(new byte[] {1, 6, 1, 2}),
                "truncated group ID");
    }

    @Test
    void theEncodingIsVersionTypeThenUtf8() {
        assertArrayEquals(new byte[] {1, 1, 'h', 'i'}, Content.encodeText("hi"));
    }

    @Test
    void unknownContentTypesAreReportedNotRefused() throws Exception {
        assertEquals(new Content.Unknown(0x18), Content.decode(new byte[] {1, 0x18, 1, 2, 3}));
    }

    private static final String ANN = "annaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    @Test
    void aSentTranscriptIsTheDestinationThenTheOriginalBody() throws Exception {
        byte[] hi = Content.encodeText("hi");
        byte[] transcript = SyncContent.encodeTranscript(ANN, hi);
        assertArrayEquals(
                java.nio.ByteBuffer.allocate(4 + ANN.length() + hi.length)
                        .put(new byte[] {1, 8, (byte) ANN.length()})
                        .put(ANN.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .put(hi)
                        .array(),
                java.util.Arrays.copyOf(transcript, 4 + ANN.length() + hi.length));
        Content.SentTranscript decoded = (Content.SentTranscript) Content.decode(transcript);
        assertEquals(ANN, decoded.destination());
        assertArrayEquals(hi, decoded.content());
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(java.util.Arrays.copyOf(transcript, 10)),
                "truncated destination");
        byte[] badId = transcript.clone();
        badId[3] = ':';
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(badId),
                "not an account ID");
    }

    @Test
    void aReadSyncNamesTheConversationOrGroupAndTheNewestMessageRead() throws Exception {
        Content.ReadSync conversation = new Content.ReadSync(ANN, null, "m-1");
        byte[] encoded = SyncContent.encodeReadSync(conversation);
        assertEquals(2 + 1 + 1 + ANN.length() + 1 + 3, encoded.length);
        assertEquals(conversation, Content.decode(encoded));
        String group = "00112233445566778899aabbccddeeff";
        Content.ReadSync inGroup = new Content.ReadSync(null, group, "m_2");
        byte[] groupEncoded = SyncContent.encodeReadSync(inGroup);
        assertArrayEquals(
                new byte[] {
                    1,
                    9,
                    2,
                    0x00,
                    0x11,
                    0x22,
                    0x33,
                    0x44,
                    0x55,
                    0x66,
                    0x77,
                    (byte) 0x88,
                    (byte) 0x99,
                    (byte) 0xaa,
                    (byte) 0xbb,
                    (byte) 0xcc,
                    (byte) 0xdd,
                    (byte) 0xee,
                    (byte) 0xff,
                    3,
                    'm',
                    '_',
                    '2'
                },
                groupEncoded);
        assertEquals(inGroup, Content.decode(groupEncoded));
        assertEquals(
                new Content.Unknown(Content.TYPE_READ_SYNC),
                Content.decode(new byte[] {1, 9, 7, 1, 2}),
                "a scope from a newer sender");
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(java.util.Arrays.copyOf(groupEncoded, 20)),
                "truncated message ID");
        byte[] noMessage = groupEncoded.clone();
        noMessage[noMessage.length - 1] = '!';
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(noMessage),
                "not a client message ID");
    }

    @Test
    void aDeviceHelloCarriesTheDeviceNameAndWhetherToAnswer() throws Exception {
        assertArrayEquals(
                new byte[] {1, 10, 1, 2, 'p', 'c'}, SyncContent.encodeDeviceHello("pc", true));
        assertArrayEquals(new byte[] {1, 10, 0, 0}, SyncContent.encodeDeviceHello(null, false));
        assertEquals(
                new Content.DeviceHello("Laptop é", true),
                Content.decode(SyncContent.encodeDeviceHello("Laptop é", true)));
        assertEquals(
                new Content.DeviceHello("pc", false),
                Content.decode(new byte[] {1, 10, 0, 2, 'p', 'c', 9, 9}),
                "bytes after the name are ignored");
    }

    @Test
    void aDeviceHelloFromAnOlderDeviceOrWithABadNameStillCounts() throws Exception {
        assertEquals(new Content.DeviceHello(null, false), Content.decode(new byte[] {1, 10}));
        assertEquals(new Content.DeviceHello(null, false), Content.decode(new byte[] {1, 10, 42}));
        assertEquals(
                new Content.DeviceHello(null, true),
                Content.decode(new byte[] {1, 10, 1, 5, 'p', 'c'}),
                "a truncated name is dropped");
        assertEquals(
                new Content.DeviceHello(null, true),
                Content.decode(new byte[] {1, 10, 1, 1, (byte) 0xc3}),
                "a name that is not UTF-8 is dropped");
        assertEquals(
                new Content.DeviceHello(null, false),
                Content.decode(new byte[] {1, 10, 0, 2, 'p', 7}),
                "a name with a control character is dropped");
    }

    @Test
    void malformedBodiesAreRefused() {
        assertThrows(Content.MalformedContentException.class, () -> Content.decode(new byte[0]));
        assertThrows(
                Content.MalformedContentException.class, () -> Content.decode(new byte[] {2, 1}));
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(new byte[] {1, 1, (byte) 0xc3}));
    }

    @Test
    void textNeverShowsUpInToString() {
        assertFalse(new Content.Text("secret words").toString().contains("secret"));
    }

    @Test
    void receiptsAreTypeCountThenLengthPrefixedIds() throws Exception {
        Content.Receipt receipt = new Content.Receipt(Content.ReceiptType.READ, List.of("ab", "c"));
        byte[] bytes = Content.encodeReceipt(receipt);
        assertArrayEquals(new byte[] {1, 2, 2, 0, 2, 2, 'a', 'b', 1, 'c'}, bytes);
        assertEquals(receipt, Content.decode(bytes));
        assertEquals(
                new Content.Receipt(Content.ReceiptType.DELIVERED, List.of("x")),
                Content.decode(new byte[] {1, 2, 1, 0, 1, 1, 'x'}));
    }

    @Test
    void typingIsOneByte() throws Exception {
        assertArrayEquals(new byte[] {1, 3, 1}, Content.encodeTyping(true));
        assertArrayEquals(new byte[] {1, 3, 0}, Content.encodeTyping(false));
        assertEquals(new Content.Typing(true), Content.decode(Content.encodeTyping(true)));
        assertEquals(new Content.Typing(false), Content.decode(Content.encodeTyping(false)));
    }

    @Test
    void malformedReceiptsAndTypingAreRefused() {
        for (byte[] bad :
                new byte[][] {
                    {1, 2, 1},
                    {1, 2, 1, 0, 0},
                    {1, 2, 1, 0, 2, 1, 'x'},
                    {1, 2, 1, 0, 1, 3, 'x'},
                    {1, 2, 1, 0, 1, 1, '!'},
                    {1, 3},
                    {1, 3, 2}
                }) {
            assertThrows(Content.MalformedContentException.class, () -> Content.decode(bad));
        }
        assertEquals(new Content.Unknown(2), assertDoesNotThrowDecode(new byte[] {1, 2, 9, 0}));
    }

    @Test
    void receiptsHoldAtMostTheLimit() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= Content.MAX_RECEIPT_IDS; i++) {
            ids.add("m" + i);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> new Content.Receipt(Content.ReceiptType.READ, ids));
        Content.Receipt full =
                new Content.Receipt(
                        Content.ReceiptType.READ, ids.subList(0, Content.MAX_RECEIPT_IDS));
        assertTrue(Content.encodeReceipt(full).length < 64 * 1024 - 512, "fits an envelope");
    }

    private static Content assertDoesNotThrowDecode(byte[] body) {
        try {
            return Content.decode(body);
        } catch (Content.MalformedContentException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void contactVerifiedAndDeleteSyncsRoundTripAndRefuseBadFields() throws Exception {
        Content.ContactSync contact = new Content.ContactSync(ANN, "Ann Ö", false);
        byte[] encoded = SyncContent.encodeContactSync(contact);
        assertArrayEquals(
                new byte[] {1, 11, 1, (byte) ANN.length()}, java.util.Arrays.copyOf(encoded, 4));
        assertEquals(contact, Content.decode(encoded));
        Content.ContactSync change = new Content.ContactSync(ANN, "ann", true);
        assertEquals(change, Content.decode(SyncContent.encodeContactSync(change)));
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(java.util.Arrays.copyOf(encoded, 4 + ANN.length())),
                "no name");

        byte[] key = new byte[33];
        key[0] = 5;
        byte[] verified = SyncContent.encodeVerifiedSync(new Content.VerifiedSync(ANN, key));
        assertEquals(2 + 1 + ANN.length() + 33, verified.length);
        Content.VerifiedSync back = (Content.VerifiedSync) Content.decode(verified);
        assertEquals(ANN, back.account());
        assertArrayEquals(key, back.identityKey());
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(java.util.Arrays.copyOf(verified, verified.length - 1)),
                "a short key");

        Content.DeleteSync one = new Content.DeleteSync(ANN, "m1");
        assertEquals(one, Content.decode(SyncContent.encodeDeleteSync(one)));
        Content.DeleteSync all = new Content.DeleteSync(ANN, null);
        byte[] allEncoded = SyncContent.encodeDeleteSync(all);
        assertEquals(2, allEncoded[2]);
        assertEquals(all, Content.decode(allEncoded));
        assertEquals(
                new Content.Unknown(Content.TYPE_DELETE_SYNC),
                Content.decode(new byte[] {1, 13, 9}),
                "a scope from a newer sender");
    }
}
