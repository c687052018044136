package dev.cipherline.sdk.internal.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.crypto.DeviceLink;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkUriTest {
    private static final DeviceLink.PublicKeys KEYS = DeviceLink.Receiver.generate().publicKeys();
    private static final String MAILBOX = "AbCdEfGhIjKlMnOpQrSt_-";

    @Test
    void aFormattedUriParsesBackToTheSameLink() {
        LinkUri link =
                new LinkUri(URI.create("https://relay.example.org:8443/base"), MAILBOX, KEYS);
        String text = link.format();
        assertTrue(text.startsWith("cipherline-link:?v=1&relay=https%3A%2F%2Frelay.example.org"));
        assertEquals(link, LinkUri.parse(text));
        assertEquals(link, LinkUri.parse("  " + text + "\n"), "blanks around it are ignored");
        // the fields in another order
        String[] fields = text.substring(text.indexOf('?') + 1).split("&");
        String reordered =
                "cipherline-link:?"
                        + String.join("&", fields[4], fields[3], fields[2], fields[1], fields[0]);
        assertEquals(link, LinkUri.parse(reordered));
    }

    @Test
    void everyGarbledUriIsLinkInvalid() {
        String good = new LinkUri(URI.create("http://127.0.0.1:7400"), MAILBOX, KEYS).format();
        List<String> bad =
                List.of(
                        "cipherline-link:",
                        "https://relay.example.org/?v=1",
                        good.replace("v=1", "v=2"),
                        good.replace("v=1&", ""),
                        good + "&v=1",
                        good.replace(MAILBOX, "short"),
                        good.replace("relay=http", "relay=ftp"),
                        good.replace("x25519=", "x25519=AA"),
                        good.substring(0, good.length() - 4),
                        good.replace("mlkem=", "mlkem=!"));
        for (String uri : bad) {
            ChatException e = assertThrows(ChatException.class, () -> LinkUri.parse(uri), uri);
            assertEquals(ChatException.Reason.LINK_INVALID, e.reason(), uri);
        }
    }

    @Test
    void theLowestFreeDeviceIdIsPicked() {
        assertEquals(2, LinkSender.freeDeviceId(List.of(entry(1))));
        assertEquals(2, LinkSender.freeDeviceId(List.of(entry(1), entry(3))));
        assertEquals(1, LinkSender.freeDeviceId(List.of(entry(2))));
        List<Frame.DeviceEntry> all =
                java.util.stream.IntStream.rangeClosed(1, 127)
                        .mapToObj(LinkUriTest::entry)
                        .toList();
        assertEquals(
                ChatException.Reason.TOO_MANY_DEVICES,
                assertThrows(ChatException.class, () -> LinkSender.freeDeviceId(all)).reason());
    }

    private static Frame.DeviceEntry entry(int id) {
        return new Frame.DeviceEntry(id, 1L, 0L);
    }
}
