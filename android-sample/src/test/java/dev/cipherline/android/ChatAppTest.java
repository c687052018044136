package dev.cipherline.android;

import static dev.cipherline.android.AppHarness.awaitTrue;
import static dev.cipherline.android.AppHarness.idle;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.app.Activity;
import android.content.Intent;
import android.os.Looper;
import android.view.View;
import android.widget.EditText;
import android.widget.LinearLayout;
import android.widget.TextView;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;

/**
 * The app's screens and service under Robolectric, against a real relay process and a peer that is
 * a plain SDK client: messages both ways, unread counts, ticks moving with receipts, the typing
 * indicator, and a rotation.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35, application = TestApplication.class)
public class ChatAppTest {
    private static Path dir;
    private static RelayProcess relay;

    private AppHarness app;
    private Peer bob;
    private final List<ActivityController<?>> screens = new ArrayList<>();

    @BeforeClass
    public static void startRelay() throws Exception {
        dir = Files.createTempDirectory("cipherline-android-test");
        relay = RelayProcess.start(dir.resolve("relay"), 0);
    }

    @AfterClass
    public static void stopRelay() throws Exception {
        relay.close();
    }

    @Before
    public void setUp() throws IOException {
        app = new AppHarness();
        bob = new Peer(Files.createTempDirectory(dir, "bob"), relay.url(), "bob");
    }

    @After
    public void tearDown() {
        for (ActivityController<?> screen : screens) {
            screen.pause().stop().destroy();
        }
        bob.close();
        app.close();
    }

    @Test
    public void firstStartCreatesTheIdentityAndSharesTheAccountId() {
        awaitTrue("the store checked", () -> app.service.state() != ChatService.State.STARTING);
        // no identity yet: the launcher sends the user to setup
        ConversationListActivity list = open(ConversationListActivity.class, null);
        assertTrue(list.isFinishing());
        assertEquals(
                SetupActivity.class.getName(),
                shadowOf(list).getNextStartedActivity().getComponent().getClassName());

        SetupActivity setup = open(SetupActivity.class, null);
        assertEquals("Relay: not set yet", text(setup, Ui.RELAY_URL));
        assertTrue(!setup.findViewById(Ui.PRIMARY).isEnabled());

        // the relay URL comes from the settings screen, which refuses what is not a URL
        SettingsActivity settings = open(SettingsActivity.class, null);
        type(settings, Ui.RELAY_URL, "relay.example.org");
        settings.findViewById(Ui.PRIMARY).performClick();
        assertEquals(
                "A relay URL starts with https:// (or http://, wss://, ws://)",
                text(settings, Ui.ERROR));
        type(settings, Ui.RELAY_URL, relay.url().toString());
        settings.findViewById(Ui.PRIMARY).performClick();
        assertTrue(settings.isFinishing());

        ActivityController<SetupActivity> again = screen(SetupActivity.class, null);
        setup = again.get();
        assertEquals("Relay: " + relay.url(), text(setup, Ui.RELAY_URL));
        type(setup, Ui.NAME, "alice");
        setup.findViewById(Ui.PRIMARY).performClick();
        SetupActivity shown = setup;
        awaitTrue("the account ID", () -> !text(shown, Ui.ACCOUNT_ID).isEmpty());

        AccountId me = app.service.account().accountId();
        assertEquals("Your account ID:\n" + me, text(setup, Ui.ACCOUNT_ID));
        setup.findViewById(Ui.SHARE).performClick();
        Intent chooser = shadowOf(setup).getNextStartedActivity();
        assertEquals(Intent.ACTION_CHOOSER, chooser.getAction());
        Intent send = chooser.getParcelableExtra(Intent.EXTRA_INTENT, Intent.class);
        assertEquals(Intent.ACTION_SEND, send.getAction());
        assertTrue(send.getStringExtra(Intent.EXTRA_TEXT).contains(me.value()));

        // the identity is real: the peer can message it through the relay
        bob.client().send(me, "welcome");
        awaitTrue("the first conversation", () -> conversations() == 1);
    }

    @Test
    public void messagesMoveUnreadCountsAndTicks() throws Exception {
        app.initialize(relay.url(), "alice");
        AccountId alice = app.service.account().accountId();

        // add bob by his account ID; the app opens the conversation
        AddContactActivity add = open(AddContactActivity.class, null);
        type(add, Ui.NAME, "bob");
        type(add, Ui.ACCOUNT_ID, "not-an-id");
        add.findViewById(Ui.PRIMARY).performClick();
        assertTrue(text(add, Ui.ERROR).startsWith("That is not an account ID"));
        type(add, Ui.ACCOUNT_ID, bob.id.value());
        add.findViewById(Ui.PRIMARY).performClick();
        awaitTrue("the contact added", add::isFinishing);
        Intent opened = shadowOf(add).getNextStartedActivity();
        assertEquals(bob.id.value(), opened.getStringExtra(ConversationActivity.EXTRA_PEER));

        // bob writes twice: the list shows two unread
        ActivityController<ConversationListActivity> listScreen =
                screen(ConversationListActivity.class, null);
        ConversationListActivity list = listScreen.get();
        awaitTrue("the list", () -> rowTexts(list).contains("bob"));
        MessageId first = bob.client().send(alice, "hi alice").id();
        MessageId second = bob.client().send(alice, "are you there?").id();
        awaitTrue("two unread", () -> rowTexts(list).contains("bob  (2 unread)"));

        // opening the conversation shows the history and reads it: bob sees READ
        listScreen.pause();
        ActivityController<ConversationActivity> chat = screen(ConversationActivity.class, bob.id);
        ConversationActivity screen = chat.get();
        awaitTrue(
                "the history",
                () -> rowTexts(screen).equals(List.of("hi alice", "are you there?")));
        assertEquals("bob", text(screen, Ui.TITLE));
        bob.awaitState(first, MessageState.READ);
        bob.awaitState(second, MessageState.READ);
        chat.pause();
        listScreen.resume();
        awaitTrue("no unread", () -> rowTexts(list).contains("bob"));

        // alice answers while bob is offline: one tick (the relay has it) ...
        bob.close();
        chat.resume();
        type(screen, Ui.COMPOSE, "yes, here");
        screen.findViewById(Ui.SEND).performClick();
        assertEquals("", text(screen, Ui.COMPOSE));
        awaitTrue("one tick", () -> lastRow(screen).equals("yes, here   \u2713"));
        assertEquals(
                "You: yes, here, sent", lastRowView(screen).getContentDescription().toString());
        // ... two when bob's device stored it ...
        bob.open();
        IncomingMessage answer = bob.nextMessage();
        assertEquals("yes, here", answer.text());
        assertEquals(alice, answer.from());
        awaitTrue("two ticks", () -> lastRow(screen).equals("yes, here   \u2713\u2713"));
        // ... and "read" once bob read it
        bob.client().markRead(alice);
        awaitTrue("read", () -> lastRow(screen).equals("yes, here   \u2713\u2713 read"));
        assertEquals(
                "You: yes, here, read", lastRowView(screen).getContentDescription().toString());
    }

    @Test
    public void typingIndicatorShowsAndClears() throws Exception {
        app.initialize(relay.url(), "alice");
        AccountId alice = app.service.account().accountId();
        app.service.run(
                client -> {
                    client.contacts().add("bob", bob.id);
                    return null;
                });
        bob.client().contacts().add("alice", alice);
        ConversationActivity screen = open(ConversationActivity.class, bob.id);
        // typing travels on the sessions of a conversation: bob writes first
        bob.client().send(alice, "hi");
        awaitTrue("bob's message", () -> rowTexts(screen).equals(List.of("hi")));
        awaitTrue("connected", () -> app.service.connectionState() == ConnectionState.CONNECTED);
        bob.awaitConnected();
        View typing = screen.findViewById(Ui.TYPING);
        assertEquals(View.GONE, typing.getVisibility());

        bob.client().sendTyping(alice, true);
        awaitTrue("typing shown", () -> typing.getVisibility() == View.VISIBLE);
        assertEquals("bob is typing…", text(screen, Ui.TYPING));
        bob.client().sendTyping(alice, false);
        awaitTrue("typing cleared", () -> typing.getVisibility() == View.GONE);

        // a "typing" that is never withdrawn expires (the relay does not store typing)
        bob.client().sendTyping(alice, true);
        awaitTrue("typing shown again", () -> typing.getVisibility() == View.VISIBLE);
        shadowOf(Looper.getMainLooper())
                .idleFor(Duration.ofMillis(ChatService.TYPING_TIMEOUT_MS + 1));
        assertEquals(View.GONE, typing.getVisibility());

        // and the other way: typing in the text box tells bob, emptying it withdraws it
        type(screen, Ui.COMPOSE, "h");
        Peer.Typing started = bob.nextTyping();
        assertEquals(new Peer.Typing(alice, true), started);
        type(screen, Ui.COMPOSE, "");
        assertEquals(new Peer.Typing(alice, false), bob.nextTyping());
    }

    @Test
    public void rotationKeepsTheScreenAndTheConnection() throws Exception {
        app.initialize(relay.url(), "alice");
        AccountId alice = app.service.account().accountId();
        bob.client().send(alice, "before the rotation");
        ActivityController<ConversationActivity> chat = screen(ConversationActivity.class, bob.id);
        awaitTrue("the history", () -> rowTexts(chat.get()).equals(List.of("before the rotation")));
        awaitTrue("connected", () -> app.service.connectionState() == ConnectionState.CONNECTED);
        type(chat.get(), Ui.COMPOSE, "half a thought");
        Object client = app.service.client();

        ConversationActivity before = chat.get();
        chat.recreate();
        ConversationActivity after = chat.get();
        assertTrue(before != after);

        // the draft and the history are back, over the same client and connection
        assertEquals("half a thought", text(after, Ui.COMPOSE));
        awaitTrue(
                "the history after", () -> rowTexts(after).equals(List.of("before the rotation")));
        assertSame(client, app.service.client());
        assertEquals(ConnectionState.CONNECTED, app.service.connectionState());
        assertEquals("Connected", text(after, Ui.STATUS));

        // the new screen hears new messages; the old one is gone from the service
        bob.client().send(alice, "after the rotation");
        awaitTrue(
                "the new message",
                () -> rowTexts(after).equals(List.of("before the rotation", "after the rotation")));
        assertEquals(List.of("before the rotation"), rowTexts(before));
    }

    // ---- helpers

    private <T extends Activity> ActivityController<T> screen(Class<T> type, AccountId peer) {
        Intent intent = new Intent(app.app, type);
        if (peer != null) {
            intent.putExtra(ConversationActivity.EXTRA_PEER, peer.value());
        }
        ActivityController<T> controller = Robolectric.buildActivity(type, intent).setup();
        screens.add(controller);
        idle();
        return controller;
    }

    private <T extends Activity> T open(Class<T> type, AccountId peer) {
        return screen(type, peer).get();
    }

    private int conversations() {
        int[] count = {-1};
        app.service.call(client -> client.conversations().size(), n -> count[0] = n);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count[0] < 0 && System.nanoTime() < deadline) {
            idle();
        }
        return count[0];
    }

    private static String text(Activity activity, int id) {
        return ((TextView) activity.findViewById(id)).getText().toString();
    }

    private static void type(Activity activity, int id, String text) {
        ((EditText) activity.findViewById(id)).setText(text);
        idle();
    }

    private static List<String> rowTexts(Activity activity) {
        LinearLayout rows = activity.findViewById(Ui.ROWS);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < rows.getChildCount(); i++) {
            texts.add(((TextView) rows.getChildAt(i)).getText().toString());
        }
        return texts;
    }

    private static TextView lastRowView(Activity activity) {
        LinearLayout rows = activity.findViewById(Ui.ROWS);
        assertNotNull(rows);
        return (TextView) rows.getChildAt(rows.getChildCount() - 1);
    }

    private static String lastRow(Activity activity) {
        LinearLayout rows = activity.findViewById(Ui.ROWS);
        return rows.getChildCount() == 0 ? "" : lastRowView(activity).getText().toString();
    }
}
