package dev.cipherline.android;

import android.app.Activity;
import android.content.Intent;
import android.os.Bundle;
import android.view.View;
import android.widget.Button;
import android.widget.EditText;
import android.widget.LinearLayout;
import android.widget.TextView;
import dev.cipherline.sdk.AccountInfo;
import java.net.URI;

/** The relay URL, and this device's account ID with a share action. */
public class SettingsActivity extends ServiceActivity {
    private EditText relay;
    private TextView accountId;
    private Button share;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        setTitle("Settings");
        LinearLayout layout = Ui.column(this);
        layout.addView(Ui.text(this, View.NO_ID, "Relay URL"));
        relay = Ui.field(this, Ui.RELAY_URL, "https://relay.example.org");
        if (savedInstanceState == null) {
            URI current = new Settings(this).relayUrl();
            relay.setText(current == null ? "" : current.toString());
        }
        layout.addView(relay);
        layout.addView(Ui.button(this, Ui.PRIMARY, "Save", v -> save()));
        layout.addView(Ui.error(this));
        accountId = Ui.text(this, Ui.ACCOUNT_ID, "");
        accountId.setTextIsSelectable(true);
        layout.addView(accountId);
        share = Ui.button(this, Ui.SHARE, "Share my account ID", v -> share(this, account()));
        share.setVisibility(View.GONE);
        layout.addView(share);
        setContentView(layout);
    }

    @Override
    protected void onServiceReady(ChatService service) {}

    @Override
    public void onServiceState(ChatService.State state) {
        AccountInfo account = account();
        if (account != null) {
            accountId.setText("Your account ID:\n" + account.accountId());
            share.setVisibility(View.VISIBLE);
        }
    }

    /** Starts the system share sheet with the account ID, for a contact to add. */
    static void share(Activity activity, AccountInfo account) {
        if (account == null) {
            return;
        }
        Intent send =
                new Intent(Intent.ACTION_SEND)
                        .setType("text/plain")
                        .putExtra(
                                Intent.EXTRA_TEXT,
                                "Add me on Cipherline, my account ID is " + account.accountId());
        activity.startActivity(Intent.createChooser(send, "Share your account ID"));
    }

    private AccountInfo account() {
        return service == null ? null : service.account();
    }

    private void save() {
        URI url;
        try {
            url = Settings.parseRelayUrl(relay.getText().toString());
        } catch (IllegalArgumentException e) {
            Ui.showError(this, e.getMessage());
            return;
        }
        new Settings(this).setRelayUrl(url);
        if (service != null && service.state() == ChatService.State.READY) {
            service.reopen(); // connect to the new URL now
        }
        finish();
    }
}
