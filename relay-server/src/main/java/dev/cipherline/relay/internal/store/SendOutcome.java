package dev.cipherline.relay.internal.store;

import dev.cipherline.protocol.Frame;
import java.util.List;
import java.util.Map;

/** What became of a {@link SendRequest}; only {@link Stored} stored anything. */
public sealed interface SendOutcome {

    /** Durably committed: the new entries of each recipient device, in seq order. */
    record Stored(Map<DeviceAddress, List<QueueEntry>> entries) implements SendOutcome {
        public Stored {
            entries = Map.copyOf(entries);
        }
    }

    /** The same sender device sent this clientMsgId before and it was stored then. */
    record Duplicate() implements SendOutcome {}

    /** The recipient list does not match the registered devices; nothing was stored. */
    record Mismatched(List<Frame.DeviceMismatch> mismatches) implements SendOutcome {
        public Mismatched {
            mismatches = List.copyOf(mismatches);
        }
    }

    /** A recipient account has no registered device; nothing was stored. */
    record UnknownRecipient(String accountId) implements SendOutcome {}

    /** A recipient device's queue is full; nothing was stored. */
    record QuotaExceeded(DeviceAddress device) implements SendOutcome {}

    /**
     * An earlier send of the same connection to one of the recipient accounts was refused and has
     * not been sent again ({@link SendHolds}); nothing was stored.
     *
     * @param first the clientMsgId of that earlier send
     */
    record Held(String first) implements SendOutcome {}
}
