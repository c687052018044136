package dev.cipherline.cli.internal.output;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.DeviceInfo;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.SafetyNumber;
import dev.cipherline.sdk.StoredMessage;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * Prints command results to stdout. {@link HumanOutput} and {@link JsonOutput} are two writers over
 * the same SDK values, so both formats always carry the same facts.
 */
public interface Output {
    /** Prints the local account ({@code whoami}). */
    void account(AccountInfo account);

    /** Prints the address book ({@code contact list}), in the given order. */
    void contacts(List<Contact> contacts);

    /**
     * Prints a safety number ({@code verify}); {@code name} is how the user named the peer (a
     * contact name or the account ID).
     */
    void safetyNumber(String name, SafetyNumber number);

    /** Prints the account's devices ({@code device list}), in the given order. */
    void devices(List<DeviceInfo> devices);

    /** Prints the groups ({@code group list}), in the given order. */
    void groups(List<Group> groups);

    /** Prints one received message as exactly one line and flushes it. */
    void message(IncomingMessage message);

    /**
     * Prints one message of a conversation's history ({@code history}) as exactly one line and
     * flushes it; {@code self} is this account, shown as sender or recipient.
     */
    void stored(AccountId self, StoredMessage message);

    /**
     * Prints the disappearing-message timer ({@code timer}) of the conversation {@code name} (a
     * contact, an account ID or a group, as the user typed it); zero is off.
     */
    void timer(String name, Duration timer);

    /**
     * Returns the JSON writer when {@code json} is set, else the human one, both over {@code out}.
     */
    static Output of(boolean json, PrintWriter out) {
        return json ? new JsonOutput(out) : new HumanOutput(out);
    }
}
