package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.sdk.internal.TestDevice;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK facing a hostile relay: real clients talk to a real relay through {@link HostileRelay},
 * which forges, re-addresses, replays and rewrites what the real relay delivers and substitutes key
 * bundles. Each attack must be refused, reported to the app, never shown as a message, and leave
 * local state intact: genuine messages afterwards arrive exactly once, in both directions.
 */
class HostileRelayTest {
    @TempDir Path dir;

    private RelayServer relay;
    private HostileRelay mitm;
    private AccountInfo alice;
    private AccountInfo bob;
    private final List<ChatClient> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
        mitm = new HostileRelay(relay.url());
        alice = ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob");
    }

    @AfterEach
    void tearDown() {
        open.forEach(ChatClient::close);
        mitm.close();
        relay.close();
    }

    private ChatClient connect(String who, RecordingListener listener) throws Exception {
        ChatClient client = TestRelays.client(dir.resolve(who), mitm.url(), listener).build();
        open.add(client);
        listener.awaitState(ConnectionState.CONNECTED);
        return client;
    }

    private static String id(AccountInfo who) {
        return who.accountId().value();
    }

    private static void send(ChatClient from, AccountInfo to, String text) throws Exception {
        assertEquals(
                MessageState.SENT,
                from.send(to.accountId(), text).accepted().get(30, TimeUnit.SECONDS));
    }

    /** A genuine exchange in both directions works and arrives exactly once. */
    private static void assertStillTalking(
            ChatClient a, RecordingListener aEvents, ChatClient b, RecordingListener bEvents)
            throws Exception {
        send(a, b.whoami(), "still there?");
        assertEquals("still there?", bEvents.awaitMessages(1).get(0).text());
        send(b, a.whoami(), "yes");
        assertEquals("yes", aEvents.awaitMessages(1).get(0).text());
        assertEquals(List.of(), aEvents.drainMessages());
        assertEquals(List.of(), bEvents.drainMessages());
    }

    private Frame.Deliver copy(Frame.Deliver d, long seq, String sender, String clientMsgId) {
        return new Frame.Deliver(
                seq,
                sender,
                d.senderDevice(),
                clientMsgId,
                d.kind(),
                d.serverTime(),
                d.expiresAt(),
                d.ciphertext());
    }

    private Frame.Deliver lastDeliveredFrom(AccountInfo sender) {
        List<Frame.Deliver> all = mitm.delivered();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).sender().equals(id(sender))) {
                return all.get(i);
            }
        }
        throw new AssertionError("nothing was delivered from " + sender.name());
    }

    @Test
    void aForgedDeliveryIsRejectedReportedAcknowledgedAndChangesNothing() throws Exception {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        ChatClient a = connect("alice", aliceEvents);
        ChatClient b = connect("bob", bobEvents);
        send(a, bob, "hello");
        assertEquals("hello", bobEvents.awaitMessages(1).get(0).text());

        // random bytes; and alice's message with one byte changed, which reuses a spent ratchet
        // step (libsignal checks the counter before the MAC) and so counts as a replay
        byte[] noise = new byte[300];
        new SecureRandom().nextBytes(noise);
        byte[] altered = lastDeliveredFrom(alice).ciphertext().clone();
        altered[altered.length - 12] ^= 1;
        Map<byte[], EnvelopeRejection.Reason> forgeries = new LinkedHashMap<>();
        forgeries.put(noise, EnvelopeRejection.Reason.UNDECRYPTABLE);
        forgeries.put(altered, EnvelopeRejection.Reason.REPLAYED);
        for (Map.Entry<byte[], EnvelopeRejection.Reason> forgery : forgeries.entrySet()) {
            byte[] forged = forgery.getKey();
            long seq = mitm.injectedSeq();
            mitm.inject(
                    id(bob),
                    new Frame.Deliver(
                            seq,
                            id(alice),
                            1,
                            "forged-" + seq,
                            dev.cipherline.protocol.Kind.MESSAGE,
                            System.currentTimeMillis(),
                            System.currentTimeMillis() + 60_000,
                            forged));
            EnvelopeRejection r = bobEvents.awaitRejection();
            assertEquals(forgery.getValue(), r.reason());
            assertEquals(id(alice), r.claimedSender());
            assertEquals("forged-" + seq, r.clientMsgId());
            assertTrue(mitm.awaitInjectedAck(seq), "a refused envelope is acknowledged");
            assertEquals(ChatException.Reason.CRYPTO_FAILURE, bobEvents.awaitError().reason());
        }

        assertStillTalking(a, aliceEvents, b, bobEvents);
        assertEquals(3, b.history().page(alice.accountId(), 10, null).size());
    }

    @Test
    void anEnvelopeReAddressedToAnotherAccountIsRejected() throws Exception {
        AccountInfo carol = ChatClient.initialize(dir.resolve("carol"), relay.url(), "carol");
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        RecordingListener carolEvents = new RecordingListener();
        ChatClient a = connect("alice", aliceEvents);
        ChatClient b = connect("bob", bobEvents);
        connect("carol", carolEvents);
        send(a, bob, "for bob");
        assertEquals("for bob", bobEvents.awaitMessages(1).get(0).text());

        // the relay hands bob a copy of what alice wrote to carol, first and later message alike
        send(a, carol, "for carol only");
        assertEquals("for carol only", carolEvents.awaitMessages(1).get(0).text());
        Frame.Deliver toCarol = lastDeliveredFrom(alice);
        long seq = mitm.injectedSeq();
        mitm.inject(id(bob), copy(toCarol, seq, toCarol.sender(), toCarol.clientMsgId()));
        assertEquals(EnvelopeRejection.Reason.UNDECRYPTABLE, bobEvents.awaitRejection().reason());
        assertTrue(mitm.awaitInjectedAck(seq));

        send(a, carol, "second for carol");
        assertEquals("second for carol", carolEvents.awaitMessages(1).get(0).text());
        Frame.Deliver again = lastDeliveredFrom(alice);
        seq = mitm.injectedSeq();
        mitm.inject(id(bob), copy(again, seq, again.sender(), again.clientMsgId()));
        assertEquals(EnvelopeRejection.Reason.UNDECRYPTABLE, bobEvents.awaitRejection().reason());
        assertTrue(mitm.awaitInjectedAck(seq));

        assertStillTalking(a, aliceEvents, b, bobEvents);
        assertEquals(3, b.history().page(alice.accountId(), 10, null).size());
        assertEquals(List.of(), carolEvents.drainRejections());
    }

    @Test
    void aRewrittenOuterHeaderIsRejectedAndTheGenuineEnvelopeStillOpens() throws Exception {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        ChatClient a = connect("alice", aliceEvents);
        ChatClient b = connect("bob", bobEvents);
        send(a, bob, "first");
        assertEquals("first", bobEvents.awaitMessages(1).get(0).text());

        // before passing each genuine delivery on, the relay first sends a rewritten copy of it
        List<Long> forgedSeqs = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<BiFunction<Frame.Deliver, Long, Frame.Deliver>> rewrites =
                List.of(
                        (d, seq) -> copy(d, seq, d.sender(), "rewritten-id"),
                        (d, seq) ->
                                new Frame.Deliver(
                                        seq,
                                        d.sender(),
                                        d.senderDevice(),
                                        d.clientMsgId(),
                                        d.kind(),
                                        d.serverTime(),
                                        d.expiresAt() + 86_400_000L,
                                        d.ciphertext()));
        for (var rewrite : rewrites) {
            mitm.tamper(
                    (account, f) -> {
                        if (id(bob).equals(account) && f instanceof Frame.Deliver d) {
                            long seq = mitm.injectedSeq();
                            forgedSeqs.add(seq);
                            return List.of(rewrite.apply(d, seq), f);
                        }
                        return List.of(f);
                    });
            send(a, bob, "genuine");
            EnvelopeRejection r = bobEvents.awaitRejection();
            assertEquals(EnvelopeRejection.Reason.HEADER_MISMATCH, r.reason());
            // the refused copy consumed nothing: the genuine envelope opens right after it
            assertEquals("genuine", bobEvents.awaitMessages(1).get(0).text());
            assertTrue(mitm.awaitInjectedAck(forgedSeqs.get(forgedSeqs.size() - 1)));
        }
        mitm.tamper((account, f) -> List.of(f));

        assertStillTalking(a, aliceEvents, b, bobEvents);
        assertEquals(5, b.history().page(alice.accountId(), 10, null).size());
    }

    @Test
    void aReplayedEnvelopeIsNeverShownTwiceEvenAfterARestart() throws Exception {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        ChatClient a = connect("alice", aliceEvents);
        ChatClient b = connect("bob", bobEvents);
        OutgoingMessage first = a.send(bob.accountId(), "first");
        assertEquals("first", bobEvents.awaitMessages(1).get(0).text());
        // once alice has bob's receipt her session is confirmed: no more PreKey messages
        aliceEvents.awaitMessageStates(first.id(), MessageState.SENT, MessageState.DELIVERED);
        send(a, bob, "once");
        assertEquals("once", bobEvents.awaitMessages(1).get(0).text());
        Frame.Deliver original = lastDeliveredFrom(alice);

        // the same envelope again under a new seq: what a redelivery looks like, dropped silently
        long seq = mitm.injectedSeq();
        mitm.inject(id(bob), copy(original, seq, original.sender(), original.clientMsgId()));
        assertTrue(mitm.awaitInjectedAck(seq));

        // the same ciphertext under another client message ID: its ratchet step is used
        seq = mitm.injectedSeq();
        mitm.inject(id(bob), copy(original, seq, original.sender(), "replayed-id"));
        assertEquals(EnvelopeRejection.Reason.REPLAYED, bobEvents.awaitRejection().reason());
        assertTrue(mitm.awaitInjectedAck(seq));

        // and again after bob restarts
        b.close();
        RecordingListener bobAgain = new RecordingListener();
        b = connect("bob", bobAgain);
        seq = mitm.injectedSeq();
        mitm.inject(id(bob), copy(original, seq, original.sender(), original.clientMsgId()));
        assertTrue(mitm.awaitInjectedAck(seq));

        assertStillTalking(a, aliceEvents, b, bobAgain);
        assertEquals(List.of(), bobEvents.drainMessages());
        assertEquals(List.of(), bobAgain.drainRejections());
        assertEquals(4, b.history().page(alice.accountId(), 10, null).size());
    }

    @Test
    void aReplayedReceiptIsDroppedBeforeDecrypting() throws Exception {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        ChatClient a = connect("alice", aliceEvents);
        ChatClient b = connect("bob", bobEvents);
        OutgoingMessage m = a.send(bob.accountId(), "receipt please");
        bobEvents.awaitMessages(1);
        aliceEvents.awaitMessageStates(m.id(), MessageState.SENT, MessageState.DELIVERED);

        // the delivery receipt bob sent, delivered to alice a second time
        Frame.Deliver receipt = lastDeliveredFrom(bob);
        long seq = mitm.injectedSeq();
        mitm.inject(id(alice), copy(receipt, seq, receipt.sender(), receipt.clientMsgId()));
        assertTrue(mitm.awaitInjectedAck(seq));
        assertStillTalking(a, aliceEvents, b, bobEvents);
        assertEquals(List.of(), aliceEvents.drainRejections(), "a redelivery is not an attack");
        assertEquals(
                List.of(MessageState.SENT, MessageState.DELIVERED), aliceEvents.statesOf(m.id()));
    }

    @Test
    void aBundleWithASubstitutedIdentityKeyIsRefused() throws Exception {
        AccountInfo dave = ChatClient.initialize(dir.resolve("dave"), relay.url(), "dave");
        // the relay's own, correctly signed bundle for a key pair it holds
        Frame.PreKeyBundle substitute;
        try (TestDevice mallory = new TestDevice(dir.resolve("mallory"))) {
            substitute = mallory.publish(7, 8, false);
        }
        mitm.tamper(
                (account, f) ->
                        f instanceof Frame.Bundles bundles
                                ? List.of(
                                        new Frame.Bundles(
                                                bundles.requestId(),
                                                bundles.accountId(),
                                                List.of(substitute)))
                                : List.of(f));
        RecordingListener aliceEvents = new RecordingListener();
        ChatClient a = connect("alice", aliceEvents);

        OutgoingMessage m = a.send(dave.accountId(), "for dave's eyes only");
        CompletableFuture<MessageState> accepted = m.accepted();
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> accepted.get(30, TimeUnit.SECONDS));
        ChatException refused = (ChatException) e.getCause();
        assertEquals(ChatException.Reason.REJECTED, refused.reason());
        assertTrue(refused.getMessage().contains("key bundle"), refused.getMessage());
        assertFalse(refused.getMessage().contains("dave's eyes"));
        assertEquals(MessageState.FAILED, m.state());

        // with the relay honest again, alice reaches dave
        mitm.tamper((account, f) -> List.of(f));
        RecordingListener daveEvents = new RecordingListener();
        connect("dave", daveEvents);
        send(a, dave, "hello dave");
        assertEquals("hello dave", daveEvents.awaitMessages(1).get(0).text());
        // had alice encrypted the refused message to the substitute, dave would refuse it now
        assertEquals(List.of(), daveEvents.drainMessages());
        assertEquals(List.of(), daveEvents.drainRejections());
    }
}
