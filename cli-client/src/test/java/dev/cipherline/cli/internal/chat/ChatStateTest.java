package dev.cipherline.cli.internal.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatStateTest {
    private static final AccountId BOB = new AccountId("b".repeat(32));

    private static StoredMessage message(int i) {
        return new StoredMessage(
                new MessageId("m" + i),
                BOB,
                Direction.INCOMING,
                "text " + i,
                Instant.ofEpochSecond(i),
                Instant.ofEpochSecond(i),
                MessageState.DELIVERED);
    }

    @Test
    void scrollingStaysBetweenTheNewestAndTheLimitAndResetsOnOpen() {
        ChatState state = new ChatState();
        state.open(BOB);
        state.scroll(-5);
        assertEquals(0, state.scrolledBack());
        state.scroll(20);
        state.scroll(20);
        assertEquals(40, state.scrolledBack());
        state.scroll(5_000);
        assertEquals(ChatState.SCROLLBACK_LIMIT, state.scrolledBack());
        state.scroll(-15);
        assertEquals(ChatState.SCROLLBACK_LIMIT - 15, state.scrolledBack());
        state.scrollToLatest();
        assertEquals(0, state.scrolledBack());
        state.scroll(3);
        state.open((AccountId) null);
        assertEquals(0, state.scrolledBack());
    }

    @Test
    void theWindowHidesTheNewestMessagesScrolledPast() {
        List<StoredMessage> newestFirst = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            newestFirst.add(message(i));
        }
        assertEquals(
                List.of("text 0", "text 1", "text 2", "text 3", "text 4", "text 5", "text 6"),
                ChatState.window(newestFirst, 3).stream().map(StoredMessage::text).toList());
        assertEquals(10, ChatState.window(newestFirst, 0).size());
        assertEquals(List.of(), ChatState.window(newestFirst, 50));
    }
}
