package dev.cipherline.android;

import android.content.Intent;
import android.os.Bundle;
import android.view.View;
import android.widget.EditText;
import android.widget.LinearLayout;
import dev.cipherline.sdk.AccountId;

/** Adds a contact by account ID (as shared from the other person's settings screen). */
public class AddContactActivity extends ServiceActivity {
    private EditText name;
    private EditText accountId;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        setTitle("Add contact");
        LinearLayout layout = Ui.column(this);
        name = Ui.field(this, Ui.NAME, "Name");
        layout.addView(name);
        accountId = Ui.field(this, Ui.ACCOUNT_ID, "Account ID");
        layout.addView(accountId);
        layout.addView(Ui.button(this, Ui.PRIMARY, "Add", v -> add()));
        layout.addView(Ui.error(this));
        setContentView(layout);
    }

    @Override
    protected void onServiceReady(ChatService service) {}

    private void add() {
        if (service == null) {
            return;
        }
        findViewById(Ui.ERROR).setVisibility(View.GONE);
        String typedName = name.getText().toString().trim();
        AccountId id;
        try {
            id = AccountId.parse(accountId.getText().toString().trim());
        } catch (IllegalArgumentException e) {
            Ui.showError(this, "That is not an account ID: " + e.getMessage());
            return;
        }
        service.call(
                client -> {
                    client.contacts().add(typedName, id);
                    return id;
                },
                added -> {
                    startActivity(
                            new Intent(this, ConversationActivity.class)
                                    .putExtra(ConversationActivity.EXTRA_PEER, added.value()));
                    finish();
                });
    }
}
