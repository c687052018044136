package dev.cipherline.android;

import android.app.Activity;
import android.graphics.Color;
import android.text.InputType;
import android.view.View;
import android.widget.Button;
import android.widget.EditText;
import android.widget.LinearLayout;
import android.widget.TextView;
import dev.cipherline.sdk.MessageState;

/**
 * Views built in code. The Maven build has no aapt to compile XML layouts, so the screens make
 * their views here; each view a test or the saved state needs has a fixed ID from this class (a
 * generated ID would differ after a rotation, and EditText keeps its text only under a stable ID).
 */
final class Ui {
    static final int STATUS = 0x0c170001;
    static final int ERROR = 0x0c170002;
    static final int ROWS = 0x0c170003;
    static final int TYPING = 0x0c170004;
    static final int COMPOSE = 0x0c170005;
    static final int SEND = 0x0c170006;
    static final int NAME = 0x0c170007;
    static final int ACCOUNT_ID = 0x0c170008;
    static final int RELAY_URL = 0x0c170009;
    static final int PRIMARY = 0x0c17000a;
    static final int SHARE = 0x0c17000b;
    static final int SECONDARY = 0x0c17000c;
    static final int SAFETY_DIGITS = 0x0c17000d;
    static final int TITLE = 0x0c17000e;

    private Ui() {}

    static LinearLayout column(Activity activity) {
        LinearLayout layout = new LinearLayout(activity);
        layout.setOrientation(LinearLayout.VERTICAL);
        int pad = dp(activity, 16);
        layout.setPadding(pad, pad, pad, pad);
        return layout;
    }

    static TextView text(Activity activity, int id, CharSequence text) {
        TextView view = new TextView(activity);
        view.setId(id);
        view.setText(text);
        view.setTextIsSelectable(false);
        return view;
    }

    static TextView error(Activity activity) {
        TextView view = text(activity, ERROR, "");
        view.setTextColor(Color.rgb(0xb0, 0x00, 0x20));
        view.setVisibility(View.GONE);
        return view;
    }

    static void showError(Activity activity, String message) {
        TextView view = activity.findViewById(ERROR);
        if (view != null) {
            view.setText(message);
            view.setVisibility(View.VISIBLE);
        }
    }

    static EditText field(Activity activity, int id, String hint) {
        EditText view = new EditText(activity);
        view.setId(id);
        view.setHint(hint);
        view.setSingleLine(true);
        view.setInputType(InputType.TYPE_CLASS_TEXT | InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS);
        return view;
    }

    static Button button(Activity activity, int id, String label, View.OnClickListener onClick) {
        Button view = new Button(activity);
        view.setId(id);
        view.setText(label);
        view.setOnClickListener(onClick);
        return view;
    }

    /** The ticks of an outgoing message, as messaging apps show them. */
    static String ticks(MessageState state) {
        return switch (state) {
            case PENDING -> "\u25F7"; // a clock: not at the relay yet
            case SENT -> "\u2713";
            case EXPIRED -> "\u26A0 expired"; // the relay dropped it unread
            case DELIVERED -> "\u2713\u2713";
            case READ -> "\u2713\u2713 read";
            case FAILED -> "\u26A0 not sent";
        };
    }

    /** What a screen reader says for the ticks. */
    static String ticksDescription(MessageState state) {
        return switch (state) {
            case PENDING -> "sending";
            case SENT -> "sent";
            case EXPIRED -> "expired before it was delivered";
            case DELIVERED -> "delivered";
            case READ -> "read";
            case FAILED -> "failed";
        };
    }

    private static int dp(Activity activity, int dp) {
        return Math.round(dp * activity.getResources().getDisplayMetrics().density);
    }
}
