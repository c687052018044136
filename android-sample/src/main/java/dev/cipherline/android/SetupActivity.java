package dev.cipherline.android;

import android.content.Intent;
import android.os.Bundle;
import android.view.View;
import android.widget.Button;
import android.widget.EditText;
import android.widget.LinearLayout;
import android.widget.TextView;
import dev.cipherline.sdk.AccountInfo;
import java.net.URI;

/**
 * First start: creates this device's identity with the relay set in {@link SettingsActivity}, then
 * shows the new account ID with a share action.
 */
public class SetupActivity extends ServiceActivity {
    private TextView relay;
    private EditText name;
    private Button create;
    private TextView accountId;
    private Button share;
    private Button next;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        setTitle("Welcome to Cipherline");
        LinearLayout layout = Ui.column(this);
        layout.addView(
                Ui.text(
                        this,
                        View.NO_ID,
                        "Create your identity. Its keys stay on this device; the relay only"
                                + " forwards encrypted messages."));
        relay = Ui.text(this, Ui.RELAY_URL, "");
        layout.addView(relay);
        layout.addView(
                Ui.button(
                        this,
                        Ui.SECONDARY,
                        "Relay settings",
                        v -> startActivity(new Intent(this, SettingsActivity.class))));
        name = Ui.field(this, Ui.NAME, "Your name (kept on this device)");
        layout.addView(name);
        create = Ui.button(this, Ui.PRIMARY, "Create identity", v -> create());
        layout.addView(create);
        layout.addView(Ui.error(this));
        accountId = Ui.text(this, Ui.ACCOUNT_ID, "");
        accountId.setTextIsSelectable(true);
        layout.addView(accountId);
        share =
                Ui.button(
                        this,
                        Ui.SHARE,
                        "Share my account ID",
                        v -> SettingsActivity.share(this, service.account()));
        share.setVisibility(View.GONE);
        layout.addView(share);
        next = Ui.button(this, View.NO_ID, "Start chatting", v -> openChats());
        next.setVisibility(View.GONE);
        layout.addView(next);
        setContentView(layout);
    }

    @Override
    protected void onResume() {
        super.onResume();
        URI url = new Settings(this).relayUrl();
        relay.setText(url == null ? "Relay: not set yet" : "Relay: " + url);
        create.setEnabled(url != null);
    }

    @Override
    protected void onServiceReady(ChatService service) {}

    @Override
    public void onServiceState(ChatService.State state) {
        if (state == ChatService.State.READY) {
            AccountInfo account = service.account();
            accountId.setText("Your account ID:\n" + account.accountId());
            share.setVisibility(View.VISIBLE);
            next.setVisibility(View.VISIBLE);
            create.setVisibility(View.GONE);
            name.setEnabled(false);
        } else if (state == ChatService.State.FAILED) {
            Ui.showError(this, service.failure());
        }
    }

    @Override
    public void onError(String message) {
        super.onError(message);
        create.setEnabled(true);
    }

    private void create() {
        URI url = new Settings(this).relayUrl();
        if (service == null || url == null) {
            return;
        }
        create.setEnabled(false);
        findViewById(Ui.ERROR).setVisibility(View.GONE);
        service.initialize(url, name.getText().toString());
    }

    private void openChats() {
        startActivity(new Intent(this, ConversationListActivity.class));
        finish();
    }
}
