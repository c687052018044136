package dev.cipherline.cli.internal.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.Conversation;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.StoredMessage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScreenRendererTest {
    private static final AccountId BOB = new AccountId("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    private static final AccountId CAROL = new AccountId("cccccccccccccccccccccccccccccccc");
    private static final Instant NOON = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void ticksFollowTheMessageState() {
        assertEquals("…", Ticks.of(MessageState.PENDING));
        assertEquals("✓", Ticks.of(MessageState.SENT));
        assertEquals("✗ expired", Ticks.of(MessageState.EXPIRED));
        assertEquals("✓✓", Ticks.of(MessageState.DELIVERED));
        assertEquals("✓✓ read", Ticks.of(MessageState.READ));
        assertEquals("✗ failed", Ticks.of(MessageState.FAILED));
    }

    @Test
    void statesOnlyMoveForward() {
        assertEquals(MessageState.READ, Ticks.later(MessageState.READ, MessageState.DELIVERED));
        assertEquals(MessageState.READ, Ticks.later(MessageState.SENT, MessageState.READ));
    }

    @Test
    void aConversationShowsSenderTextAndTicksOnOurMessages() {
        ChatView view =
                conversation(
                        List.of(
                                message(Direction.INCOMING, "Hi Alice", MessageState.READ),
                                message(Direction.OUTGOING, "Hello Bob", MessageState.DELIVERED),
                                message(Direction.OUTGOING, "Still there?", MessageState.SENT)),
                        false,
                        List.of());

        ScreenRenderer.Frame frame = ScreenRenderer.render(view);

        assertTrue(frame.header().contains("alice · bob"), frame.header());
        List<String> shown = frame.body().stream().filter(line -> !line.isEmpty()).toList();
        assertEquals(
                List.of(
                        "12:00 bob: Hi Alice",
                        "12:00 me: Hello Bob  ✓✓",
                        "12:00 me: Still there?  ✓"),
                shown);
    }

    @Test
    void theFrameFillsTheScreenAboveThePrompt() {
        ScreenRenderer.Frame frame =
                ScreenRenderer.render(conversation(List.of(), false, List.of()));

        assertEquals(24 - 1, frame.lines().size());
        assertTrue(frame.lines().stream().allMatch(line -> line.length() <= 80));
    }

    @Test
    void onlyTheNewestMessagesThatFitAreShown() {
        List<StoredMessage> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(message(Direction.INCOMING, "message " + i, MessageState.DELIVERED));
        }

        List<String> body = ScreenRenderer.render(conversation(many, false, List.of())).body();

        assertEquals(24 - ScreenRenderer.CHROME_ROWS, body.size());
        assertEquals("12:00 bob: message 49", body.get(body.size() - 1));
        assertEquals("12:00 bob: message 29", body.get(0));
    }

    @Test
    void longMessagesWrapAndNoticesStayAtTheBottom() {
        String longText = "x".repeat(150);
        List<String> body =
                ScreenRenderer.render(
                                conversation(
                                        List.of(
                                                message(
                                                        Direction.INCOMING,
                                                        longText,
                                                        MessageState.READ)),
                                        false,
                                        List.of("error: no such contact")))
                        .body();

        assertEquals("error: no such contact", body.get(body.size() - 1));
        assertTrue(body.stream().allMatch(line -> line.length() <= 80));
        assertEquals(
                ("12:00 bob: " + longText).length(),
                body.stream()
                        .filter(l -> l.startsWith("12:00") || l.startsWith("x"))
                        .mapToInt(String::length)
                        .sum());
    }

    @Test
    void textFromOthersCannotSendEscapeSequences() {
        String line =
                ScreenRenderer.messageLine(
                        conversation(List.of(), false, List.of()),
                        message(Direction.INCOMING, "evil\u001b[2J\nline", MessageState.READ));

        assertFalse(line.contains("\u001b"));
        assertFalse(line.contains("\n"));
    }

    @Test
    void theStatusLineShowsTypingAndUnreadCountsOfOtherConversations() {
        ChatView view = conversation(List.of(), true, List.of());

        String status = ScreenRenderer.render(view).status();

        assertTrue(status.contains("connected"), status);
        assertTrue(status.contains("bob is typing…"), status);
        assertTrue(status.contains("unread: carol 2"), status);
        assertFalse(status.contains("bob 1"), "the open conversation is not counted: " + status);
    }

    @Test
    void theConversationListShowsUnreadCounts() {
        ChatView list =
                new ChatView(
                        "alice",
                        ConnectionState.CONNECTING,
                        null,
                        null,
                        List.of(),
                        false,
                        conversations(),
                        List.of(),
                        null,
                        Map.of(),
                        Map.of(),
                        List.of(),
                        80,
                        24,
                        ZoneOffset.UTC);

        ScreenRenderer.Frame frame = ScreenRenderer.render(list);

        assertTrue(frame.header().contains("conversations"), frame.header());
        assertEquals("Conversations (/open NAME):", frame.body().get(0));
        assertEquals("  bob                  1 unread   12:00", frame.body().get(1));
        assertEquals("  carol                2 unread   12:00", frame.body().get(2));
        assertTrue(frame.status().contains("connecting…"), frame.status());
        assertTrue(frame.status().contains("unread: bob 1, carol 2"), frame.status());
    }

    @Test
    void theHeaderShowsTheOpenConversationsDisappearingTimer() {
        ChatView plain = conversation(List.of(), false, List.of());
        assertFalse(ScreenRenderer.render(plain).header().contains("disappearing"));
        ChatView timed =
                new ChatView(
                        "alice",
                        ConnectionState.CONNECTED,
                        BOB,
                        "bob",
                        List.of(),
                        false,
                        conversations(),
                        List.of(),
                        null,
                        Map.of(),
                        Map.of(),
                        List.of(),
                        80,
                        24,
                        ZoneOffset.UTC,
                        java.time.Duration.ofHours(1));
        assertEquals(
                "cipherline · alice · bob · disappearing after 1 hour   (/help for commands)",
                ScreenRenderer.render(timed).header());
    }

    private static ChatView conversation(
            List<StoredMessage> messages, boolean typing, List<String> notices) {
        return new ChatView(
                "alice",
                ConnectionState.CONNECTED,
                BOB,
                "bob",
                messages,
                typing,
                conversations(),
                List.of(),
                null,
                Map.of(),
                Map.of(),
                notices,
                80,
                24,
                ZoneOffset.UTC);
    }

    private static List<Conversation> conversations() {
        return List.of(
                new Conversation(BOB, "bob", NOON, 1, null),
                new Conversation(CAROL, "carol", NOON, 2, null));
    }

    private static StoredMessage message(Direction direction, String text, MessageState state) {
        return new StoredMessage(
                MessageId.random(),
                BOB,
                direction,
                text,
                NOON,
                direction == Direction.INCOMING ? NOON : null,
                state);
    }

    @Test
    void groupsAreListedAndAGroupShowsWhoSaidWhat() {
        Group team =
                new Group(
                        new GroupId("0123456789abcdef0123456789abcdef"),
                        "team",
                        BOB,
                        1,
                        List.of(BOB, new AccountId("a".repeat(32))),
                        true);
        ChatView list =
                new ChatView(
                        "alice",
                        ConnectionState.CONNECTED,
                        null,
                        null,
                        List.of(),
                        false,
                        conversations(),
                        List.of(team),
                        null,
                        Map.of(),
                        Map.of(team.id().value(), "3 unread"),
                        List.of(),
                        80,
                        24,
                        ZoneOffset.UTC);
        assertTrue(
                ScreenRenderer.render(list).body().stream()
                        .anyMatch(
                                l ->
                                        l.contains("#team")
                                                && l.contains("3 unread")
                                                && l.contains("2 members")),
                ScreenRenderer.render(list).body().toString());

        StoredMessage fromBob =
                new StoredMessage(
                        new MessageId("g1"),
                        BOB,
                        Direction.INCOMING,
                        "hello team",
                        Instant.parse("2026-11-22T10:00:00Z"),
                        Instant.parse("2026-11-22T10:00:01Z"),
                        MessageState.DELIVERED);
        ChatView open =
                new ChatView(
                        "alice",
                        ConnectionState.CONNECTED,
                        null,
                        "#team",
                        List.of(fromBob),
                        false,
                        conversations(),
                        List.of(team),
                        team,
                        Map.of(BOB.value(), "bob"),
                        Map.of(),
                        List.of(),
                        80,
                        24,
                        ZoneOffset.UTC);
        ScreenRenderer.Frame frame = ScreenRenderer.render(open);
        assertTrue(frame.header().contains("#team"), frame.header());
        assertTrue(frame.body().contains("10:00 bob: hello team"), frame.body().toString());

        StoredMessage mine = message(Direction.OUTGOING, "lunch?", MessageState.SENT);
        ChatView withMine =
                new ChatView(
                        "alice",
                        ConnectionState.CONNECTED,
                        null,
                        "#team",
                        List.of(mine),
                        false,
                        conversations(),
                        List.of(team),
                        team,
                        Map.of(BOB.value(), "bob"),
                        Map.of(mine.id().value(), "read by 1 of 2"),
                        List.of(),
                        80,
                        24,
                        ZoneOffset.UTC);
        assertTrue(
                ScreenRenderer.render(withMine).body().stream()
                        .anyMatch(l -> l.endsWith("me: lunch?  read by 1 of 2")),
                ScreenRenderer.render(withMine).body().toString());
    }
}
