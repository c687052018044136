package dev.cipherline.cli.internal.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.StoredMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HumanOutputTest {
    private static final AccountId ALICE = new AccountId("abcdefghijklmnopqrstuvwxyz234567");
    private static final AccountId BOB = new AccountId("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    private final StringWriter out = new StringWriter();
    private final Output output = Output.of(false, new PrintWriter(out));

    @Test
    void aMessageIsOneLineWithTimeSenderAndText() {
        output.message(
                new IncomingMessage(
                        new MessageId("id"),
                        ALICE,
                        1,
                        "hello",
                        Instant.parse("2026-11-22T10:15:30.999Z"),
                        Instant.parse("2026-11-22T10:15:31Z")));

        assertEquals(
                List.of("2026-11-22T10:15:30Z " + ALICE.value() + ": hello"),
                out.toString().lines().toList());
    }

    @Test
    void aNoteStandsBetweenDashesWithoutSenderOrState() {
        output.stored(ALICE, JsonOutputTest.note(Instant.parse("2026-11-22T10:15:30Z")));

        assertEquals(
                List.of("2026-11-22T10:15:30Z -- 2 messages from bob expired --"),
                out.toString().lines().toList());
    }

    @Test
    void aMessageThatExpiredAtTheRelayEndsWithExpired() {
        output.stored(
                ALICE,
                new StoredMessage(
                        new MessageId("m1"),
                        BOB,
                        Direction.OUTGOING,
                        "anyone there?",
                        Instant.parse("2026-11-22T10:15:30Z"),
                        null,
                        MessageState.EXPIRED));

        assertEquals(
                List.of("2026-11-22T10:15:30Z me: anyone there?  [expired]"),
                out.toString().lines().toList());
    }

    @Test
    void textCannotBreakTheLineOrDriveTheTerminal() {
        output.message(
                new IncomingMessage(
                        new MessageId("id"),
                        ALICE,
                        1,
                        "two\nlines\r \u001b[2J \u202eevil\ttab",
                        Instant.EPOCH,
                        Instant.EPOCH));

        String line = out.toString().strip();
        assertEquals(1, line.lines().count());
        assertTrue(line.endsWith(": two\\nlines\\r \\u001b[2J \\u202eevil\ttab"), line);
    }

    @Test
    void contactsAreAlignedInColumns() {
        output.contacts(List.of(new Contact("al", ALICE), new Contact("bobby", BOB)));

        assertEquals(
                List.of("al     " + ALICE.value(), "bobby  " + BOB.value()),
                out.toString().lines().toList());
    }

    @Test
    void whoamiShowsEveryField() {
        output.account(new AccountInfo(ALICE, 3, null, URI.create("http://relay.test:7400")));

        String text = out.toString();
        assertTrue(text.contains(ALICE.value()), text);
        assertTrue(text.contains("3"), text);
        assertTrue(text.contains("http://relay.test:7400"), text);
    }
}
