package dev.cipherline.cli.internal.chat;

import dev.cipherline.cli.internal.output.TerminalText;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.SafetyNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Runs one parsed {@link ChatInput} against the SDK and the {@link ChatState}; what it has to say
 * goes to the state's notices, and the session redraws afterwards. Failures are thrown (the session
 * shows them as one line).
 */
final class ChatCommands {
    private final ChatClient client;
    private final ChatState state;
    private final TypingNotifier typing;
    private final IntSupplier page;

    /** {@code page} is how many messages one screen shows, for scrolling. */
    ChatCommands(ChatClient client, ChatState state, TypingNotifier typing, IntSupplier page) {
        this.client = client;
        this.state = state;
        this.typing = typing;
        this.page = page;
    }

    /** Runs {@code input}; returns false when the user asked to quit. */
    boolean run(ChatInput input) {
        if (input instanceof ChatInput.Send send) {
            send(send.text());
        } else if (input instanceof ChatInput.Open open) {
            open(open.name());
        } else if (input instanceof ChatInput.ListConversations) {
            typing.stop();
            state.open((AccountId) null);
        } else if (input instanceof ChatInput.Contacts) {
            state.notices(contacts());
        } else if (input instanceof ChatInput.Add add) {
            add(add.name(), add.accountId());
        } else if (input instanceof ChatInput.More) {
            if (!state.anyOpen()) {
                state.notices(List.of("open a conversation first: /open NAME"));
            } else {
                state.scroll(page.getAsInt());
            }
        } else if (input instanceof ChatInput.Latest) {
            state.scrollToLatest();
        } else if (input instanceof ChatInput.Verify verify) {
            verify(verify.confirm());
        } else if (input instanceof ChatInput.Timer timer) {
            timer(timer.timer());
        } else if (input instanceof ChatInput.Help) {
            state.notices(ChatInput.HELP.lines().toList());
        } else if (input instanceof ChatInput.Invalid invalid) {
            state.notices(List.of(invalid.reason()));
        } else if (input instanceof ChatInput.Quit) {
            return false;
        }
        // ChatInput.Empty: nothing to do
        return true;
    }

    private void send(String text) {
        Group group = state.openGroup();
        if (group != null) {
            client.groups().send(group.id(), text);
            return;
        }
        AccountId peer = state.openPeer();
        if (peer == null) {
            state.notices(List.of("open a conversation first: /open NAME"));
            return;
        }
        typing.stop();
        client.send(peer, text);
    }

    /** Sets the open conversation's timer; the note it writes (and the header) shows it. */
    private void timer(java.time.Duration timer) {
        Group group = state.openGroup();
        AccountId peer = state.openPeer();
        if (group != null) {
            client.groups().setDisappearingTimer(group.id(), timer);
        } else if (peer != null) {
            client.setDisappearingTimer(peer, timer);
        } else {
            state.notices(List.of("open a conversation first: /open NAME, then /timer 1h"));
        }
    }

    private void verify(boolean confirm) {
        AccountId peer = state.openPeer();
        if (peer == null) {
            state.notices(List.of("open a conversation first: /open NAME, then /verify"));
            return;
        }
        SafetyNumber number =
                confirm
                        ? client.verification().markVerified(peer)
                        : client.verification().safetyNumber(peer);
        List<String> lines = new ArrayList<>();
        lines.add("safety number with " + peer.value() + ":");
        number.formatted().lines().forEach(line -> lines.add("  " + line));
        lines.add(
                number.verified()
                        ? "verified"
                        : "not verified: compare it with them in person or over a channel you"
                                + " trust, then /verify confirm");
        state.notices(lines);
    }

    /** Opens a contact, else an active group of that name, else an account ID. */
    private void open(String name) {
        if (client.contacts().byName(name).isEmpty()) {
            for (Group g : client.groups().list()) {
                if (g.active() && (g.name().equals(name) || g.id().value().equals(name))) {
                    typing.stop();
                    state.open(g);
                    client.groups().markRead(g.id());
                    return;
                }
            }
        }
        open(client.contacts().resolve(name));
    }

    private void open(AccountId peer) {
        typing.stop();
        state.open(peer);
        client.markRead(peer);
    }

    private List<String> contacts() {
        List<Contact> contacts = client.contacts().list();
        if (contacts.isEmpty()) {
            return List.of("no contacts yet; /add NAME ACCOUNT_ID adds one");
        }
        return contacts.stream()
                .map(
                        c ->
                                String.format(
                                        "%-20s %s%s",
                                        TerminalText.safe(c.name()),
                                        c.accountId().value(),
                                        c.verified() ? "  verified" : ""))
                .toList();
    }

    private void add(String name, String accountId) {
        AccountId id;
        try {
            id = AccountId.parse(accountId);
        } catch (IllegalArgumentException e) {
            state.notices(List.of("'" + TerminalText.safe(accountId) + "' is not an account ID"));
            return;
        }
        client.contacts().add(name, id);
        state.notices(
                List.of(
                        "added "
                                + TerminalText.safe(name)
                                + "; /open "
                                + TerminalText.safe(name)
                                + " to chat"));
    }
}
