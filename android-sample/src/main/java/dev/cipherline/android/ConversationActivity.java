package dev.cipherline.android;

import android.content.Intent;
import android.graphics.Color;
import android.os.Bundle;
import android.os.SystemClock;
import android.text.Editable;
import android.text.TextWatcher;
import android.view.Gravity;
import android.view.View;
import android.widget.EditText;
import android.widget.LinearLayout;
import android.widget.ScrollView;
import android.widget.TextView;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.StoredMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One conversation: its history with ticks on outgoing messages, the peer's typing indicator, and a
 * text box. Marks the conversation read while it is on screen. The draft survives a rotation
 * (EditText saves its text under its fixed ID); everything else is reloaded from the store.
 */
public class ConversationActivity extends ServiceActivity {
    /** The peer's account ID (required). */
    public static final String EXTRA_PEER = "dev.cipherline.android.PEER";

    /** How many of the newest messages the screen shows. */
    static final int PAGE = 100;

    /** Typing is re-announced at most this often while the user keeps typing. */
    private static final long TYPING_REFRESH_MS = 5_000;

    private AccountId peer;
    private String peerName;
    private TextView status;
    private TextView typing;
    private LinearLayout rows;
    private ScrollView scroll;
    private EditText compose;
    private boolean resumed;
    private boolean typingAnnounced;
    private long typingAnnouncedAt;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        String typed = getIntent().getStringExtra(EXTRA_PEER);
        try {
            peer = AccountId.parse(typed == null ? "" : typed);
        } catch (IllegalArgumentException e) {
            finish(); // opened without a valid peer: nothing to show
            return;
        }
        peerName = peer.toString();
        LinearLayout layout = Ui.column(this);
        TextView title = Ui.text(this, Ui.TITLE, peerName);
        title.setTextSize(20);
        layout.addView(title);
        status = Ui.text(this, Ui.STATUS, "");
        layout.addView(status);
        layout.addView(
                Ui.button(
                        this,
                        Ui.SECONDARY,
                        "Safety number",
                        v ->
                                startActivity(
                                        new Intent(this, SafetyNumberActivity.class)
                                                .putExtra(EXTRA_PEER, peer.value()))));
        layout.addView(Ui.error(this));
        rows = new LinearLayout(this);
        rows.setId(Ui.ROWS);
        rows.setOrientation(LinearLayout.VERTICAL);
        scroll = new ScrollView(this);
        scroll.addView(rows);
        layout.addView(
                scroll,
                new LinearLayout.LayoutParams(LinearLayout.LayoutParams.MATCH_PARENT, 0, 1f));
        typing = Ui.text(this, Ui.TYPING, "");
        typing.setVisibility(View.GONE);
        layout.addView(typing);
        LinearLayout bottom = new LinearLayout(this);
        bottom.setOrientation(LinearLayout.HORIZONTAL);
        compose = Ui.field(this, Ui.COMPOSE, "Message");
        compose.setSingleLine(false);
        compose.setMaxLines(4);
        bottom.addView(
                compose,
                new LinearLayout.LayoutParams(0, LinearLayout.LayoutParams.WRAP_CONTENT, 1f));
        bottom.addView(Ui.button(this, Ui.SEND, "Send", v -> send()));
        layout.addView(bottom);
        compose.addTextChangedListener(
                new TextWatcher() {
                    @Override
                    public void beforeTextChanged(CharSequence s, int a, int b, int c) {}

                    @Override
                    public void onTextChanged(CharSequence s, int a, int b, int c) {}

                    @Override
                    public void afterTextChanged(Editable text) {
                        announceTyping(text.length() > 0);
                    }
                });
        setContentView(layout);
    }

    @Override
    protected void onServiceReady(ChatService service) {
        service.call(client -> client.contacts().byAccount(peer), this::showName);
    }

    @Override
    public void onServiceState(ChatService.State state) {
        if (state == ChatService.State.READY) {
            showTyping(service.isTyping(peer));
            reload();
            markRead(); // onResume came before the service was bound
        }
    }

    @Override
    protected void onResume() {
        super.onResume();
        resumed = true;
        markRead();
    }

    @Override
    protected void onPause() {
        resumed = false;
        announceTyping(false);
        super.onPause();
    }

    @Override
    public void onConnectionState(ConnectionState state) {
        status.setText(ConversationListActivity.describe(state));
    }

    @Override
    public void onMessage(IncomingMessage message) {
        if (message.group() == null && message.from().equals(peer)) {
            reload();
            markRead();
        }
    }

    @Override
    public void onMessageState(MessageId id, MessageState state) {
        reload();
    }

    @Override
    public void onTyping(AccountId from, boolean isTyping) {
        if (from.equals(peer)) {
            showTyping(isTyping);
        }
    }

    private void showName(Optional<Contact> contact) {
        contact.ifPresent(
                c -> {
                    peerName = c.name();
                    ((TextView) findViewById(Ui.TITLE)).setText(peerName);
                    setTitle(peerName);
                });
    }

    private void showTyping(boolean on) {
        typing.setText(on ? peerName + " is typing…" : "");
        typing.setVisibility(on ? View.VISIBLE : View.GONE);
    }

    private void markRead() {
        if (resumed && service != null && service.state() == ChatService.State.READY) {
            service.run(client -> client.markRead(peer));
        }
    }

    private void reload() {
        if (service == null || service.state() != ChatService.State.READY) {
            return;
        }
        service.call(
                client -> {
                    // newest first from the store; the screen shows oldest at the top
                    List<StoredMessage> page =
                            new ArrayList<>(client.history().page(peer, PAGE, null));
                    Collections.reverse(page);
                    return page;
                },
                this::show);
    }

    private void show(List<StoredMessage> history) {
        rows.removeAllViews();
        for (StoredMessage message : history) {
            rows.addView(row(message));
        }
        scroll.post(() -> scroll.fullScroll(View.FOCUS_DOWN));
    }

    private TextView row(StoredMessage message) {
        boolean mine = message.direction() == Direction.OUTGOING;
        TextView view =
                Ui.text(
                        this,
                        View.NO_ID,
                        mine ? message.text() + "   " + Ui.ticks(message.state()) : message.text());
        view.setTag(message.id());
        view.setGravity(
                mine
                        ? Gravity.END
                        : message.direction() == Direction.NOTE
                                ? Gravity.CENTER_HORIZONTAL
                                : Gravity.START);
        view.setPadding(0, 12, 0, 12);
        if (mine) {
            view.setContentDescription(
                    "You: " + message.text() + ", " + Ui.ticksDescription(message.state()));
            if (message.state() == MessageState.READ) {
                view.setTextColor(Color.rgb(0x1a, 0x5f, 0xb4));
            }
        } else {
            view.setContentDescription(peerName + ": " + message.text());
        }
        return view;
    }

    private void send() {
        String text = compose.getText().toString().trim();
        if (text.isEmpty() || service == null) {
            return;
        }
        compose.setText("");
        service.call(client -> client.send(peer, text), sent -> reload());
    }

    private void announceTyping(boolean on) {
        if (service == null || service.state() != ChatService.State.READY) {
            return;
        }
        long now = SystemClock.elapsedRealtime();
        if (on == typingAnnounced && (!on || now - typingAnnouncedAt < TYPING_REFRESH_MS)) {
            return; // nothing new to say
        }
        typingAnnounced = on;
        typingAnnouncedAt = now;
        service.run(
                client -> {
                    client.sendTyping(peer, on);
                    return null;
                });
    }
}
