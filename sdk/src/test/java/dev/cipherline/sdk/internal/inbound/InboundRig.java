package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.TestDevice;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.disappear.Disappearing;
import dev.cipherline.sdk.internal.disappear.Sweeper;
import dev.cipherline.sdk.internal.group.Groups;
import dev.cipherline.sdk.internal.store.ContactStore;
import dev.cipherline.sdk.internal.store.ConversationStore;
import dev.cipherline.sdk.internal.store.DeviceNameStore;
import dev.cipherline.sdk.internal.store.DisappearingStore;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.HistoryStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.VerificationStore;
import java.time.Clock;
import java.util.function.Consumer;

/** A device's real way in, wired as the client wires it, for the receiving tests. */
final class InboundRig {
    private static final java.util.concurrent.ScheduledExecutorService TIMER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "inbound-rig-timer");
                        t.setDaemon(true);
                        return t;
                    });

    private InboundRig() {}

    /** The receipts' linger, on a real timer as in the client. */
    private static void later(long millis, Runnable task) {
        TIMER.schedule(task, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * The receiver of {@code device} (device ID 1), telling {@code events}, acknowledging to {@code
     * acker} and running its end-of-burst work on {@code inbound}.
     */
    static Receiver receiver(
            TestDevice device,
            MessageStore messages,
            Events events,
            boolean appListening,
            Acks.Acker acker,
            Consumer<Runnable> inbound) {
        return receiver(device, messages, events, appListening, acker, inbound, InboundRig::later);
    }

    /** {@link #receiver} whose receipts' linger runs on {@code later}. */
    static Receiver receiver(
            TestDevice device,
            MessageStore messages,
            Events events,
            boolean appListening,
            Acks.Acker acker,
            Consumer<Runnable> inbound,
            Acks.Later later) {
        Clock clock = Clock.systemUTC();
        LocalDevice self = new LocalDevice(device.accountId, 1);
        OutboxStore outbox = new OutboxStore(device.db);
        GroupCrypto groupCrypto = new GroupCrypto(device.store);
        Groups groups =
                new Groups(
                        device.db,
                        new GroupStore(device.db),
                        messages,
                        outbox,
                        groupCrypto,
                        self,
                        clock);
        Receipts receipts = new Receipts(device.db, outbox, self, clock, () -> {});
        DisappearingStore timers = new DisappearingStore(device.db);
        Disappearing disappearing =
                new Disappearing(
                        device.db,
                        timers,
                        new GroupStore(device.db),
                        outbox,
                        new ContactStore(device.db),
                        self,
                        () -> !device.store.sessionDevices(device.accountId).isEmpty(),
                        new Sweeper(
                                device.db, timers, events, clock, later::after, inbound::accept),
                        clock);
        return new Receiver(
                device.db,
                messages,
                new Opener(device.crypto, groupCrypto, groups.inbound(), self, clock),
                new Dispatch(
                        messages,
                        receipts,
                        groups.inbound(),
                        new SyncInbound(
                                messages,
                                new ConversationStore(device.db),
                                new ContactStore(device.db),
                                new VerificationStore(device.db),
                                new HistoryStore(device.db),
                                new DeviceNameStore(device.db),
                                tx -> {},
                                clock),
                        self,
                        () -> !device.store.sessionDevices(device.accountId).isEmpty(),
                        disappearing,
                        clock),
                new HandOver(device.db, messages, events, appListening),
                new Acks(acker, receipts, messages, clock, inbound, later),
                new Rejections(events, clock),
                events,
                inbound,
                () -> {});
    }
}
