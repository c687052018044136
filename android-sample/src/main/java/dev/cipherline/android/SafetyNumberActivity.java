package dev.cipherline.android;

import android.os.Bundle;
import android.view.View;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.SafetyNumber;

/**
 * The safety number with a peer: both people compare it (in person or over a call they trust) and
 * mark it verified when it matches.
 */
public class SafetyNumberActivity extends ServiceActivity {
    private AccountId peer;
    private TextView digits;
    private TextView verified;
    private Button verify;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        String typed = getIntent().getStringExtra(ConversationActivity.EXTRA_PEER);
        try {
            peer = AccountId.parse(typed == null ? "" : typed);
        } catch (IllegalArgumentException e) {
            finish();
            return;
        }
        setTitle("Safety number");
        LinearLayout layout = Ui.column(this);
        layout.addView(
                Ui.text(
                        this,
                        View.NO_ID,
                        "Compare these digits with the ones on your contact's screen. If they"
                                + " match, nobody is in the middle of your conversation."));
        digits = Ui.text(this, Ui.SAFETY_DIGITS, "");
        digits.setTypeface(android.graphics.Typeface.MONOSPACE);
        digits.setTextSize(20);
        layout.addView(digits);
        verified = Ui.text(this, Ui.STATUS, "");
        layout.addView(verified);
        verify =
                Ui.button(
                        this,
                        Ui.PRIMARY,
                        "Mark as verified",
                        v ->
                                service.call(
                                        client -> client.verification().markVerified(peer),
                                        this::show));
        layout.addView(verify);
        layout.addView(Ui.error(this));
        setContentView(layout);
    }

    @Override
    protected void onServiceReady(ChatService service) {}

    @Override
    public void onServiceState(ChatService.State state) {
        if (state == ChatService.State.READY) {
            service.call(client -> client.verification().safetyNumber(peer), this::show);
        }
    }

    private void show(SafetyNumber number) {
        digits.setText(number.formatted());
        verified.setText(number.verified() ? "Verified" : "Not verified");
        verify.setVisibility(number.verified() ? View.GONE : View.VISIBLE);
    }
}
