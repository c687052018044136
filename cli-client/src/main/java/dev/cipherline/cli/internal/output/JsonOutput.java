package dev.cipherline.cli.internal.output;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.IncomingMessage;
import java.io.PrintWriter;
import java.util.List;

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

    /** {@code whoami --json}: one object. {@code name} is null when none was given at init. */
    @JsonPropertyOrder({"accountId", "deviceId", "name", "relay"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record AccountJson(String accountId, int deviceId, String name, String relay) {
        static AccountJson of(AccountInfo account) {
            return new AccountJson(
                    account.accountId().value(),
                    account.deviceId(),
                    account.name(),
                    account.relayUrl().toString());
        }
    }

    /** One element of {@code contact list --json}, which prints one array. */
    @JsonPropertyOrder({"name", "accountId"})
    record ContactJson(String name, String accountId) {
        static ContactJson of(Contact contact) {
            return new ContactJson(contact.name(), contact.accountId().value());
        }
    }

    /** One line of {@code recv --json}. */
    @JsonPropertyOrder({"id", "from", "fromDevice", "text", "sentAt", "receivedAt"})
    record MessageJson(
            String id, String from, int fromDevice, String text, String sentAt, String receivedAt) {
        static MessageJson of(IncomingMessage message) {
            return new MessageJson(
                    message.id().value(),
                    message.from().value(),
                    message.fromDevice(),
                    message.text(),
                    message.sentAt().toString(),
                    message.receivedAt().toString());
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
    public void message(IncomingMessage message) {
        println(MessageJson.of(message));
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
