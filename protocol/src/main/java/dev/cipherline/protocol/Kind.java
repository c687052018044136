package dev.cipherline.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the relay does with an envelope. */
public enum Kind {
    /** Stored durably and queued for each recipient device until acknowledged or expired. */
    @JsonProperty("message")
    MESSAGE,
    /** Forwarded only to recipient devices connected at that moment; never stored, never acked. */
    @JsonProperty("ephemeral")
    EPHEMERAL
}
