package dev.cipherline.sdk.internal.inbound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.internal.TestDevice;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.store.MessageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/**
 * Fuzz target for the SDK's whole receive path: a {@code deliver} frame whose fields and ciphertext
 * the fuzzer chooses (raw bytes, or alice's genuine envelope altered, truncated or re-labelled)
 * goes to bob's real {@link Receiver} with real libsignal sessions and a real SQLite store. No
 * input may throw out of the receiver, store or hand over a message, change bob's session with
 * alice, or stay unacknowledged (a stored delivery must not wedge the relay's queue).
 *
 * <p>The fixture is built once per JVM; bob's one genuine message is delivered first, so that any
 * envelope the fuzzer derives from it is a replay. A normal build runs the checked-in inputs under
 * {@code ReceiverFuzzTestInputs} (regression mode); {@code JAZZER_FUZZ=1} fuzzes. See
 * docs/RELIABILITY.md.
 */
class ReceiverFuzzTest {
    private static Fixture fixture;

    private static final class Fixture {
        final TestDevice alice;
        final TestDevice bob;
        final String stranger = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        final MessageStore bobMessages;
        final Receiver receiver;
        final List<Long> acked = new CopyOnWriteArrayList<>();
        final AtomicInteger handedOver = new AtomicInteger();
        final byte[] genuine;
        final String genuineId = "genuine-1";

        Fixture() throws Exception {
            Path dir = Files.createTempDirectory("cipherline-receiver-fuzz");
            alice = new TestDevice(dir.resolve("alice"));
            bob = new TestDevice(dir.resolve("bob"));
            alice.startSession(bob, bob.publish(1, 2, false));
            bobMessages = new MessageStore(bob.db);
            Events events =
                    new Events(
                            new ChatListener() {
                                @Override
                                public void onMessage(IncomingMessage message) {
                                    handedOver.incrementAndGet();
                                }
                            });
            receiver =
                    InboundRig.receiver(
                            bob, bobMessages, events, true, acked::addAll, Runnable::run);
            long now = System.currentTimeMillis();
            genuine =
                    alice.crypto.encrypt(
                            bob.accountId,
                            1,
                            SealedPayload.seal(
                                    new SealedPayload.Header(
                                            SealedPayload.KIND_MESSAGE,
                                            alice.accountId,
                                            1,
                                            bob.accountId,
                                            SealedPayload.ANY_DEVICE,
                                            genuineId,
                                            now,
                                            Long.MAX_VALUE),
                                    Content.encodeText("the one genuine message")));
            receiver.deliver(
                    new Frame.Deliver(
                            1,
                            alice.accountId,
                            1,
                            genuineId,
                            Kind.MESSAGE,
                            now,
                            now + 60_000,
                            genuine));
            if (bobMessages.history(alice.accountId, 10, null).size() != 1) {
                throw new IllegalStateException("the genuine message did not arrive");
            }
        }

        byte[] aliceSession() {
            return bob.store.loadSession(new SignalProtocolAddress(alice.accountId, 1)).serialize();
        }
    }

    private static synchronized Fixture fixture() throws Exception {
        if (fixture == null) {
            fixture = new Fixture();
        }
        return fixture;
    }

    @FuzzTest(maxDuration = "60s")
    void deliveries(FuzzedDataProvider in) throws Exception {
        Fixture f = fixture();
        String sender =
                switch (in.consumeInt(0, 2)) {
                    case 0 -> f.alice.accountId;
                    case 1 -> f.stranger;
                    default -> in.consumeString(40);
                };
        int device = in.consumeBoolean() ? 1 : in.consumeInt(1, 127);
        String clientMsgId = in.consumeBoolean() ? f.genuineId : in.consumeAsciiString(64);
        boolean ephemeral = in.consumeBoolean();
        long expiresAt = in.consumeBoolean() ? Long.MAX_VALUE : in.consumeLong();
        byte[] ciphertext;
        switch (in.consumeInt(0, 2)) {
            case 0 -> {
                // alice's genuine envelope with bytes flipped
                ciphertext = f.genuine.clone();
                int flips = in.consumeInt(0, 4);
                for (int i = 0; i < flips; i++) {
                    ciphertext[in.consumeInt(0, ciphertext.length - 1)] ^= in.consumeByte();
                }
            }
            case 1 -> {
                // cut short or extended
                int length = in.consumeInt(0, f.genuine.length + 16);
                ciphertext = java.util.Arrays.copyOf(f.genuine, length);
            }
            default -> ciphertext = in.consumeRemainingAsBytes();
        }
        long seq = 1_000 + f.acked.size();
        Frame.Deliver d;
        try {
            d =
                    new Frame.Deliver(
                            ephemeral ? 0 : seq,
                            sender,
                            device,
                            clientMsgId,
                            ephemeral ? Kind.EPHEMERAL : Kind.MESSAGE,
                            System.currentTimeMillis(),
                            expiresAt,
                            ciphertext);
        } catch (IllegalArgumentException e) {
            return; // the protocol codec refuses such a frame before the SDK sees it
        }

        byte[] sessionBefore = f.aliceSession();
        int acksBefore = f.acked.size();
        f.receiver.deliver(d);

        assertEquals(1, f.bobMessages.history(f.alice.accountId, 10, null).size());
        assertEquals(
                List.of(),
                f.bobMessages.history(sender, 10, null).stream()
                        .filter(m -> !sender.equals(f.alice.accountId))
                        .toList());
        assertArrayEquals(sessionBefore, f.aliceSession(), "bob's session with alice changed");
        if (!ephemeral) {
            assertEquals(acksBefore + 1, f.acked.size(), "a delivery was not acknowledged");
            assertEquals(seq, f.acked.get(f.acked.size() - 1));
        }
    }
}
