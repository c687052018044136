package dev.cipherline.cli.internal.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatInputTest {
    @Test
    void plainLinesAreMessages() {
        assertEquals(new ChatInput.Send("hello there"), ChatInput.parse("hello there"));
        assertEquals(new ChatInput.Send("  indented  "), ChatInput.parse("  indented  "));
    }

    @Test
    void aDoubleSlashSendsALineStartingWithASlash() {
        assertEquals(new ChatInput.Send("/shrug"), ChatInput.parse("//shrug"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t"})
    void blankLinesDoNothing(String line) {
        assertEquals(new ChatInput.Empty(), ChatInput.parse(line));
    }

    @Test
    void timerTakesADurationOrOff() {
        assertEquals(
                new ChatInput.Timer(java.time.Duration.ofHours(1)), ChatInput.parse("/timer 1h"));
        assertEquals(
                new ChatInput.Timer(java.time.Duration.ofDays(14)), ChatInput.parse("/timer 2W"));
        assertEquals(new ChatInput.Timer(java.time.Duration.ZERO), ChatInput.parse("/timer off"));
        assertEquals(
                new ChatInput.Invalid("usage: /timer 30s|5m|1h|1d|1w|off"),
                ChatInput.parse("/timer"));
        ChatInput bad = ChatInput.parse("/timer 400d");
        assertEquals(
                new ChatInput.Invalid("'400d' is out of range: a timer is 1s .. 365d, or off"),
                bad);
        assertEquals(ChatInput.Invalid.class, ChatInput.parse("/timer soon").getClass());
    }

    @Test
    void commandsAreParsed() {
        assertEquals(new ChatInput.Open("bob"), ChatInput.parse("/open bob"));
        assertEquals(new ChatInput.Open("Bob Smith"), ChatInput.parse("/open  Bob Smith "));
        assertEquals(new ChatInput.ListConversations(), ChatInput.parse("/list"));
        assertEquals(new ChatInput.Contacts(), ChatInput.parse("/contacts"));
        assertEquals(new ChatInput.Help(), ChatInput.parse("/help"));
        assertEquals(new ChatInput.Quit(), ChatInput.parse("/quit"));
        assertEquals(new ChatInput.Quit(), ChatInput.parse("/QUIT"));
        assertEquals(new ChatInput.More(), ChatInput.parse("/more"));
        assertEquals(new ChatInput.Latest(), ChatInput.parse("/latest"));
        assertEquals(new ChatInput.Verify(false), ChatInput.parse("/verify"));
        assertEquals(new ChatInput.Verify(true), ChatInput.parse("/verify confirm"));
        assertEquals(
                new ChatInput.Invalid("usage: /verify [confirm]"), ChatInput.parse("/verify yes"));
    }

    @Test
    void addTakesTheLastWordAsTheAccountId() {
        assertEquals(
                new ChatInput.Add("bob", "edtwkesmtny7gal7tkjnlvfq7cnodc3a"),
                ChatInput.parse("/add bob edtwkesmtny7gal7tkjnlvfq7cnodc3a"));
        assertEquals(
                new ChatInput.Add("Bob Smith", "edtwkesmtny7gal7tkjnlvfq7cnodc3a"),
                ChatInput.parse("/add Bob Smith edtwkesmtny7gal7tkjnlvfq7cnodc3a"));
    }

    @Test
    void malformedCommandsSayWhatIsWrong() {
        assertEquals(new ChatInput.Invalid("usage: /open NAME"), ChatInput.parse("/open"));
        assertEquals(
                new ChatInput.Invalid("usage: /add NAME ACCOUNT_ID"), ChatInput.parse("/add bob"));
        assertEquals(
                new ChatInput.Invalid("/quit takes no arguments"), ChatInput.parse("/quit now"));
        ChatInput unknown = ChatInput.parse("/frobnicate bob");
        assertInstanceOf(ChatInput.Invalid.class, unknown);
        assertTrue(((ChatInput.Invalid) unknown).reason().contains("/help"), unknown.toString());
        assertInstanceOf(ChatInput.Invalid.class, ChatInput.parse("/"));
    }

    @Test
    void helpNamesEveryCommand() {
        for (String command :
                new String[] {
                    "/open",
                    "/list",
                    "/contacts",
                    "/add",
                    "/more",
                    "/latest",
                    "/verify",
                    "/help",
                    "/quit"
                }) {
            assertTrue(ChatInput.HELP.contains(command), command);
        }
    }
}
