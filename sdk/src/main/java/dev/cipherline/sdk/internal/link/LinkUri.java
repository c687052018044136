package dev.cipherline.sdk.internal.link;

import dev.cipherline.crypto.DeviceLink;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.Compat;
import dev.cipherline.sdk.internal.registration.Registrar;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A link URI: what a new device shows (as text and as a QR code) for an existing device to answer.
 * {@code cipherline-link:?v=1&relay=URL&mailbox=ID&x25519=B64&mlkem=B64}, the relay URL
 * percent-encoded, the keys in unpadded base64url (docs/PROTOCOL.md, "Linking a device").
 *
 * @param relay the relay's base URL holding the mailbox
 * @param mailbox the provisioning mailbox's ID (22 characters of base64url)
 * @param keys the new device's ephemeral public keys
 */
public record LinkUri(URI relay, String mailbox, DeviceLink.PublicKeys keys) {
    /** The URI scheme. */
    public static final String SCHEME = "cipherline-link";

    private static final String MAILBOX = "[A-Za-z0-9_-]{22}";

    /** Formats this link as its URI text. */
    public String format() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return SCHEME
                + ":?v=1&relay="
                + urlEncode(relay.toString())
                + "&mailbox="
                + mailbox
                + "&x25519="
                + b64.encodeToString(keys.x25519())
                + "&mlkem="
                + b64.encodeToString(keys.mlKem());
    }

    /**
     * Parses a link URI as {@link #format} writes it (surrounding blanks ignored).
     *
     * @throws ChatException LINK_INVALID if it is not one
     */
    public static LinkUri parse(String text) {
        if (text == null) {
            throw invalid("no link URI was given");
        }
        String s = Compat.strip(text);
        String prefix = SCHEME + ":?";
        if (!s.startsWith(prefix)) {
            throw invalid("a link URI starts with " + prefix);
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : s.substring(prefix.length()).split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || fields.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                throw invalid("the link URI's fields are garbled");
            }
        }
        if (!"1".equals(fields.get("v"))) {
            throw invalid("the link URI is of an unknown version; update this app");
        }
        String mailbox = fields.get("mailbox");
        if (mailbox == null || !mailbox.matches(MAILBOX)) {
            throw invalid("the link URI's mailbox is missing or garbled");
        }
        URI relay;
        try {
            String url = fields.get("relay");
            if (url == null) {
                throw invalid("the link URI names no relay");
            }
            relay = Registrar.checkRelayUrl(URI.create(urlDecode(url)));
        } catch (IllegalArgumentException | ChatException e) {
            throw invalid("the link URI's relay URL is garbled");
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            return new LinkUri(
                    relay,
                    mailbox,
                    new DeviceLink.PublicKeys(
                            b64.decode(fields.getOrDefault("x25519", "")),
                            b64.decode(fields.getOrDefault("mlkem", ""))));
        } catch (IllegalArgumentException e) {
            throw invalid("the link URI's keys are missing, cut short or garbled");
        }
    }

    private static ChatException invalid(String message) {
        return new ChatException(ChatException.Reason.LINK_INVALID, message);
    }

    // the Charset overloads are Java 10; Android API 26 has only the charset-name ones
    private static String urlEncode(String text) {
        try {
            return URLEncoder.encode(text, "UTF-8");
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }

    private static String urlDecode(String text) {
        try {
            return URLDecoder.decode(text, "UTF-8");
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }
}
