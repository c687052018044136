package dev.cipherline.relay.internal.store;

import dev.cipherline.protocol.Frame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules every storage engine applies to a send before it stores anything, in one place so that
 * SQLite and MongoDB refuse exactly the same sends in exactly the same order.
 *
 * <p>An engine first checks idempotency itself (a clientMsgId the sender device had accepted before
 * is {@link SendOutcome.Duplicate}, whatever else changed since), then calls {@link #admit}. The
 * refusal order is:
 *
 * <ol>
 *   <li>a recipient account with no registered device: {@link SendOutcome.UnknownRecipient} (the
 *       first such account, in the order of the recipient list);
 *   <li>device lists that do not match the registered devices: {@link SendOutcome.Mismatched},
 *       listing every mismatched account (missing, extra and stale devices; the sender's own device
 *       need not be addressed);
 *   <li>a recipient device whose queue holds {@code quota} entries or more: {@link
 *       SendOutcome.QuotaExceeded} (the first such device).
 * </ol>
 *
 * <p>A refused send leaves nothing behind, no idempotency record either: once the sender fixes its
 * device list, the same clientMsgId is stored.
 */
public final class SendAdmission {
    private SendAdmission() {}

    /**
     * What an engine knows of registered devices and queue sizes, asked during admission.
     *
     * @param <D> the engine's own handle of a registered device (a row, a document)
     * @param <E> the checked exception the engine's reads throw
     */
    public interface Directory<D, E extends Exception> {
        /** The account's registered devices by device ID; empty if it has none. */
        Map<Integer, D> devicesOf(String accountId) throws E;

        /** The registration ID the device registered with. */
        int registrationId(D device);

        /**
         * How many entries the device's queue holds now, or any number that is below {@code
         * atLeast} exactly when that count is: only whether the count reaches {@code atLeast}
         * matters, so an engine may stop counting there or answer with a bound.
         */
        int queued(D device, int atLeast) throws E;
    }

    /** One recipient device a send will be stored for, with the engine's handle of it. */
    public record Target<D>(DeviceAddress address, D device, Frame.Recipient recipient) {}

    /**
     * Applies the rules.
     *
     * @return the targets in recipient order when the send may be stored, or the refusal
     */
    public static <D, E extends Exception> Decision<D> admit(
            SendRequest send, int quota, Directory<D, E> directory) throws E {
        List<Target<D>> targets = new ArrayList<>();
        List<Frame.DeviceMismatch> mismatches = new ArrayList<>();
        for (Map.Entry<String, List<Frame.Recipient>> account : byAccount(send).entrySet()) {
            Map<Integer, D> registered = directory.devicesOf(account.getKey());
            if (registered.isEmpty()) {
                return new Decision.Refuse<>(new SendOutcome.UnknownRecipient(account.getKey()));
            }
            Frame.DeviceMismatch mismatch =
                    compare(
                            send.sender(),
                            account.getKey(),
                            account.getValue(),
                            registered,
                            directory);
            if (mismatch != null) {
                mismatches.add(mismatch);
                continue;
            }
            for (Frame.Recipient r : account.getValue()) {
                targets.add(
                        new Target<>(
                                new DeviceAddress(r.accountId(), r.deviceId()),
                                registered.get(r.deviceId()),
                                r));
            }
        }
        if (!mismatches.isEmpty()) {
            return new Decision.Refuse<>(new SendOutcome.Mismatched(mismatches));
        }
        for (Target<D> t : targets) {
            if (directory.queued(t.device(), quota) >= quota) {
                return new Decision.Refuse<>(new SendOutcome.QuotaExceeded(t.address()));
            }
        }
        return new Decision.Admit<>(targets);
    }

    /** What {@link #admit} decided. */
    public sealed interface Decision<D> {
        /** Store the send for these devices, in this order. */
        record Admit<D>(List<Target<D>> targets) implements Decision<D> {
            public Admit {
                targets = List.copyOf(targets);
            }
        }

        /** Store nothing and answer this. */
        record Refuse<D>(SendOutcome outcome) implements Decision<D> {}
    }

    private static Map<String, List<Frame.Recipient>> byAccount(SendRequest send) {
        Map<String, List<Frame.Recipient>> byAccount = new LinkedHashMap<>();
        for (Frame.Recipient r : send.recipients()) {
            byAccount.computeIfAbsent(r.accountId(), a -> new ArrayList<>()).add(r);
        }
        return byAccount;
    }

    /** The mismatch of one account's addressed devices, or null if they are exactly right. */
    private static <D> Frame.DeviceMismatch compare(
            DeviceAddress sender,
            String accountId,
            List<Frame.Recipient> addressed,
            Map<Integer, D> registered,
            Directory<D, ?> directory) {
        Set<Integer> seen = new LinkedHashSet<>();
        Set<Integer> extra = new TreeSet<>();
        Set<Integer> stale = new TreeSet<>();
        for (Frame.Recipient r : addressed) {
            seen.add(r.deviceId());
            D device = registered.get(r.deviceId());
            if (device == null) {
                extra.add(r.deviceId());
            } else if (directory.registrationId(device) != r.registrationId()) {
                stale.add(r.deviceId());
            }
        }
        Set<Integer> missing = new TreeSet<>();
        for (Integer device : registered.keySet()) {
            boolean isSender = accountId.equals(sender.accountId()) && device == sender.deviceId();
            if (!seen.contains(device) && !isSender) {
                missing.add(device);
            }
        }
        if (missing.isEmpty() && extra.isEmpty() && stale.isEmpty()) {
            return null;
        }
        return new Frame.DeviceMismatch(
                accountId, List.copyOf(missing), List.copyOf(extra), List.copyOf(stale));
    }
}
