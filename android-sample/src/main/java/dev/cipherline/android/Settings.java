package dev.cipherline.android;

import android.content.Context;
import android.content.SharedPreferences;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The app's one setting, the relay URL, in SharedPreferences. SharedPreferences reads its file
 * once, on first use; the screens read it after the service has loaded it off the main thread.
 */
public final class Settings {
    private static final String FILE = "cipherline-settings";
    private static final String RELAY_URL = "relay_url";

    private final SharedPreferences preferences;

    public Settings(Context context) {
        this.preferences = context.getSharedPreferences(FILE, Context.MODE_PRIVATE);
    }

    /** The relay URL the user set, or null if none was set yet. */
    public URI relayUrl() {
        String value = preferences.getString(RELAY_URL, null);
        return value == null ? null : URI.create(value);
    }

    /** Stores a relay URL checked with {@link #parseRelayUrl}. */
    public void setRelayUrl(URI url) {
        preferences.edit().putString(RELAY_URL, url.toString()).apply();
    }

    /**
     * Checks what the user typed as a relay URL.
     *
     * @throws IllegalArgumentException with a message for the user if it is not an http, https, ws
     *     or wss URL with a host
     */
    public static URI parseRelayUrl(String typed) {
        String text = typed.trim();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("That is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")
                && !scheme.equals("https")
                && !scheme.equals("ws")
                && !scheme.equals("wss")) {
            throw new IllegalArgumentException(
                    "A relay URL starts with https:// (or http://, wss://, ws://)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("A relay URL needs a host name");
        }
        return uri;
    }
}
