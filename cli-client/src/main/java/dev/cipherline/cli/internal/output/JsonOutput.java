package dev.cipherline.cli.internal.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.Attachment;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.DeviceInfo;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.Note;
import dev.cipherline.sdk.SafetyNumber;
import dev.cipherline.sdk.StoredMessage;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --json} writer. Field names are a public contract (documented in the module README):
 * add fields, never rename or remove them. Instants are ISO-8601 UTC strings; every value is
 * escaped by Jackson, so message text cannot break a line or the document.
 */
final class JsonOutput implements Output {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrintWriter out;

    JsonOutput(PrintWriter out) {
        this.out = out;
    }

    /**
     * {@code whoami --json}: one object. {@code name} is null when none was given at init; {@code
     * relay} is the first of {@code relays} (the nodes of a relay cluster, in the order tried).
     */
    @JsonPropertyOrder({"accountId", "deviceId", "name", "relay", "relays"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record AccountJson(
            String accountId, int deviceId, String name, String relay, List<String> relays) {
        static AccountJson of(AccountInfo account) {
            return new AccountJson(
                    account.accountId().value(),
                    account.deviceId(),
                    account.name(),
                    account.relayUrl().toString(),
                    account.relayUrls().stream().map(Object::toString).toList());
        }
    }

    /**
     * One element of {@code device list --json}, which prints one array. {@code name} is null when
     * this device knows no name for it.
     */
    @JsonPropertyOrder({"deviceId", "name", "linkedAt", "lastSeen", "thisDevice"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record DeviceJson(
            int deviceId, String name, String linkedAt, String lastSeen, boolean thisDevice) {
        static DeviceJson of(DeviceInfo d) {
            return new DeviceJson(
                    d.deviceId(),
                    d.name(),
                    d.linkedAt().toString(),
                    d.lastSeen() == null ? null : d.lastSeen().toString(),
                    d.thisDevice());
        }
    }

    @JsonPropertyOrder({"name", "accountId", "verified", "identityChangedFrom"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ContactJson(
            String name, String accountId, boolean verified, String identityChangedFrom) {
        static ContactJson of(Contact contact) {
            return new ContactJson(
                    contact.name(),
                    contact.accountId().value(),
                    contact.verified(),
                    contact.identityChangedFrom() == null
                            ? null
                            : contact.identityChangedFrom().value());
        }
    }

    /** {@code verify --json}: one object; {@code safetyNumber} is the 60 digits, no spaces. */
    @JsonPropertyOrder({"name", "accountId", "safetyNumber", "verified"})
    record SafetyNumberJson(String name, String accountId, String safetyNumber, boolean verified) {}

    /** One line of {@code recv --json}; {@code group} is the group ID, null for a 1:1 message. */
    @JsonPropertyOrder({
        "id",
        "from",
        "fromDevice",
        "text",
        "sentAt",
        "receivedAt",
        "group",
        "state",
        "file"
    })
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record MessageJson(
            String id,
            String from,
            int fromDevice,
            String text,
            String sentAt,
            String receivedAt,
            String group,
            String state,
            @JsonInclude(JsonInclude.Include.NON_NULL) FileJson file) {
        static MessageJson of(IncomingMessage message) {
            return new MessageJson(
                    message.id().value(),
                    message.from().value(),
                    message.fromDevice(),
                    message.text(),
                    message.sentAt().toString(),
                    message.receivedAt().toString(),
                    message.group() == null ? null : message.group().value(),
                    // what recv hands over was just stored and acknowledged with a receipt
                    "delivered",
                    FileJson.of(message.attachment()));
        }
    }

    /** A message's file: the name and type its sender gave, and its size; null for none. */
    record FileJson(String name, String type, long size, String availableUntil) {
        static FileJson of(Attachment a) {
            return a == null
                    ? null
                    : new FileJson(
                            a.fileName(), a.mediaType(), a.size(), a.availableUntil().toString());
        }
    }

    /** A file saved by {@code recv --download-dir}. */
    record SavedJson(String saved, String id, String path) {}

    @Override
    public void saved(IncomingMessage message, java.nio.file.Path file) {
        println(new SavedJson("file", message.id().value(), file.toString()));
    }

    /** One element of {@code group list --json}, which prints one array. */
    @JsonPropertyOrder({"id", "name", "admin", "epoch", "members", "active"})
    record GroupJson(
            String id,
            String name,
            String admin,
            long epoch,
            List<String> members,
            boolean active) {
        static GroupJson of(Group g) {
            return new GroupJson(
                    g.id().value(),
                    g.name(),
                    g.admin().value(),
                    g.epoch(),
                    g.members().stream().map(AccountId::value).toList(),
                    g.active());
        }
    }

    /**
     * One line of {@code history --json}. {@code direction} is {@code incoming} or {@code outgoing}
     * (or {@code note}); {@code receivedAt} is null for outgoing messages; {@code state} is the
     * lower-case message state ({@code pending}, {@code sent}, {@code expired}, {@code delivered},
     * {@code read}, {@code failed}; incoming messages are {@code delivered} or {@code read}). A
     * note the SDK wrote has {@code direction} {@code note}, its text, {@code from} the peer it is
     * filed under, and a {@code note} object {@code {kind, about, count}}; messages have no {@code
     * note} field.
     */
    @JsonPropertyOrder({
        "id",
        "direction",
        "from",
        "to",
        "text",
        "sentAt",
        "receivedAt",
        "state",
        "failure",
        "note",
        "file"
    })
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record StoredJson(
            String id,
            String direction,
            String from,
            String to,
            String text,
            String sentAt,
            String receivedAt,
            String state,
            String failure,
            @JsonInclude(JsonInclude.Include.NON_NULL) NoteJson note,
            @JsonInclude(JsonInclude.Include.NON_NULL) FileJson file) {
        static StoredJson of(AccountId self, StoredMessage m) {
            boolean incoming = m.direction() != Direction.OUTGOING;
            return new StoredJson(
                    m.id().value(),
                    m.direction().name().toLowerCase(Locale.ROOT),
                    (incoming ? m.peer() : self).value(),
                    (incoming ? self : m.peer()).value(),
                    m.text(),
                    m.sentAt().toString(),
                    m.receivedAt() == null ? null : m.receivedAt().toString(),
                    m.state().name().toLowerCase(Locale.ROOT),
                    m.failure(),
                    m.note() == null ? null : NoteJson.of(m.note()),
                    FileJson.of(m.attachment()));
        }
    }

    /** What a history note says: kind in lower case, the account it is about, its count. */
    record NoteJson(String kind, String about, long count) {
        static NoteJson of(Note note) {
            return new NoteJson(
                    note.kind().name().toLowerCase(Locale.ROOT),
                    note.about().value(),
                    note.count());
        }
    }

    @Override
    public void account(AccountInfo account) {
        println(AccountJson.of(account));
    }

    @Override
    public void contacts(List<Contact> contacts) {
        println(contacts.stream().map(ContactJson::of).toList());
    }

    @Override
    public void devices(List<DeviceInfo> devices) {
        println(devices.stream().map(DeviceJson::of).toList());
    }

    @Override
    public void safetyNumber(String name, SafetyNumber number) {
        println(
                new SafetyNumberJson(
                        name, number.peer().value(), number.digits(), number.verified()));
    }

    @Override
    public void groups(List<Group> groups) {
        println(groups.stream().map(GroupJson::of).toList());
    }

    /** {@code timer --json}: one object; {@code seconds} 0 is off. */
    @JsonPropertyOrder({"name", "seconds"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TimerJson(String name, long seconds) {}

    @Override
    public void timer(String name, java.time.Duration timer) {
        println(new TimerJson(name, timer.getSeconds()));
    }

    @Override
    public void message(IncomingMessage message) {
        println(MessageJson.of(message));
    }

    @Override
    public void stored(AccountId self, StoredMessage message) {
        println(StoredJson.of(self, message));
    }

    private void println(Object value) {
        try {
            out.println(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            // only strings and numbers are written, so this is a bug
            throw new IllegalStateException("cannot write JSON", e);
        }
        out.flush();
    }
}
