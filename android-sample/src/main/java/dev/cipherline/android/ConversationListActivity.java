package dev.cipherline.android;

import android.content.Intent;
import android.os.Bundle;
import android.widget.LinearLayout;
import android.widget.ScrollView;
import android.widget.TextView;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Conversation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The launcher screen: every conversation, newest first, with its unread count, then contacts
 * without messages yet. Sends the user to setup when there is no identity yet.
 */
public class ConversationListActivity extends ServiceActivity {
    /** One line of the list. */
    record Row(AccountId peer, String title, int unread) {
        String label() {
            return unread == 0 ? title : title + "  (" + unread + " unread)";
        }
    }

    private TextView status;
    private LinearLayout rows;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        setTitle("Chats");
        LinearLayout layout = Ui.column(this);
        status = Ui.text(this, Ui.STATUS, "");
        layout.addView(status);
        layout.addView(Ui.error(this));
        layout.addView(
                Ui.button(
                        this,
                        Ui.PRIMARY,
                        "Add contact",
                        v -> startActivity(new Intent(this, AddContactActivity.class))));
        layout.addView(
                Ui.button(
                        this,
                        Ui.SECONDARY,
                        "Settings",
                        v -> startActivity(new Intent(this, SettingsActivity.class))));
        rows = new LinearLayout(this);
        rows.setId(Ui.ROWS);
        rows.setOrientation(LinearLayout.VERTICAL);
        ScrollView scroll = new ScrollView(this);
        scroll.addView(rows);
        layout.addView(scroll);
        setContentView(layout);
    }

    @Override
    protected void onServiceReady(ChatService service) {}

    @Override
    public void onServiceState(ChatService.State state) {
        switch (state) {
            case NEEDS_SETUP -> {
                startActivity(new Intent(this, SetupActivity.class));
                finish();
            }
            case READY -> reload();
            case FAILED -> Ui.showError(this, service.failure());
            case STARTING -> status.setText("Opening…");
        }
    }

    @Override
    public void onConnectionState(ConnectionState state) {
        status.setText(describe(state));
    }

    @Override
    public void onConversationsChanged() {
        reload();
    }

    @Override
    protected void onResume() {
        super.onResume();
        if (service != null && service.state() == ChatService.State.READY) {
            reload(); // a conversation read meanwhile has no unread count any more
        }
    }

    static String describe(ConnectionState state) {
        return switch (state) {
            case CONNECTED -> "Connected";
            case CONNECTING, AUTHENTICATING -> "Connecting…";
            case DISCONNECTED -> "Offline: waiting for the relay";
            case CLOSED -> "Closed";
        };
    }

    private void reload() {
        if (service == null || service.state() != ChatService.State.READY) {
            return;
        }
        service.call(ConversationListActivity::load, this::show);
    }

    /** Conversations then contacts without one; on the io thread. */
    private static List<Row> load(ChatClient client) {
        List<Row> result = new ArrayList<>();
        Set<AccountId> listed = new HashSet<>();
        for (Conversation conversation : client.conversations()) {
            String name = conversation.contactName();
            result.add(
                    new Row(
                            conversation.peer(),
                            name != null ? name : conversation.peer().toString(),
                            conversation.unreadCount()));
            listed.add(conversation.peer());
        }
        for (Contact contact : client.contacts().list()) {
            if (listed.add(contact.accountId())) {
                result.add(new Row(contact.accountId(), contact.name(), 0));
            }
        }
        return result;
    }

    private void show(List<Row> list) {
        rows.removeAllViews();
        if (list.isEmpty()) {
            rows.addView(
                    Ui.text(this, android.view.View.NO_ID, "No chats yet: add a contact above."));
        }
        for (Row row : list) {
            TextView view = Ui.text(this, android.view.View.NO_ID, row.label());
            view.setTag(row.peer());
            view.setPadding(0, 24, 0, 24);
            view.setOnClickListener(
                    v ->
                            startActivity(
                                    new Intent(this, ConversationActivity.class)
                                            .putExtra(
                                                    ConversationActivity.EXTRA_PEER,
                                                    row.peer().value())));
            rows.addView(view);
        }
    }
}
