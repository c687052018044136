package dev.cipherline.relay.internal.net;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.ALICE_2;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.protocol.Limits;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.Vectors;
import dev.cipherline.relay.internal.delivery.LocalDeliveryBus;
import dev.cipherline.relay.internal.limits.RateLimiter;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.SendRequest;
import dev.cipherline.relay.internal.store.sqlite.SqliteRelayStore;
import dev.cipherline.relay.internal.store.sqlite.StoreFixture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session after authentication (deliveries, sends, prekeys, last resort) in EmbeddedChannels.
 */
class SessionHandlersTest {
    private static final int QUOTA = 20;

    @TempDir Path dir;

    private final MutableClock clock = StoreFixture.clock();
    private final LocalDeliveryBus bus = new LocalDeliveryBus();
    private SqliteRelayStore store;

    @BeforeEach
    void open() throws Exception {
        store = StoreFixture.open(dir, clock, QUOTA);
        store.register(ALICE_1.registration(2)).join();
        store.register(BOB_1.registration(2)).join();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private EmbeddedChannel session(Vectors.Vector device, int window) {
        EmbeddedChannel channel = new EmbeddedChannel(new SessionHandler(services(window)));
        channel.attr(Channels.WEBSOCKET).set(true);
        channel.pipeline().fireUserEventTriggered(new Authenticated(device.address()));
        channel.runPendingTasks();
        return channel;
    }

    private SessionServices services(int window) {
        return new SessionServices(
                store,
                bus,
                new RateLimiter(1000, Duration.ofSeconds(1), clock, 100),
                new FrameCodec(new Limits(512 * 1024, 100, 3, 200)),
                clock,
                Duration.ofDays(1),
                Duration.ofSeconds(30),
                window);
    }

    private static List<Object> drain(EmbeddedChannel channel) {
        channel.runPendingTasks();
        List<Object> out = new ArrayList<>();
        Object next;
        while ((next = channel.readOutbound()) != null) {
            out.add(next);
        }
        return out;
    }

    private Frame.Send message(String id, Vectors.Vector to, String text) {
        return new Frame.Send(
                id,
                Kind.MESSAGE,
                clock.millis() + 60_000,
                null,
                List.of(
                        new Frame.Recipient(
                                to.accountId(),
                                to.deviceId(),
                                to.registrationId(),
                                text.getBytes(StandardCharsets.UTF_8))));
    }

    private void queueForBob(int count) {
        for (int i = 1; i <= count; i++) {
            SendOutcome outcome =
                    store.store(
                                    new SendRequest(
                                            ALICE_1.address(),
                                            "q" + i,
                                            clock.millis(),
                                            clock.millis() + 60_000,
                                            null,
                                            message("q" + i, BOB_1, "text" + i).recipients()))
                            .join();
            assertInstanceOf(SendOutcome.Stored.class, outcome);
        }
    }

    @Test
    void aSendIsAcceptedAfterCommitAndPushedToTheConnectedRecipient() {
        EmbeddedChannel bob = session(BOB_1, 64);
        assertEquals(List.of(new Frame.Synced(clock.millis())), drain(bob));
        EmbeddedChannel alice = session(ALICE_1, 64);
        drain(alice);

        alice.writeInbound(message("m1", BOB_1, "hi"));
        assertEquals(List.of(new Frame.Accepted("m1", clock.millis())), drain(alice));
        List<Object> pushed = drain(bob);
        Frame.Deliver d = assertInstanceOf(Frame.Deliver.class, pushed.get(0));
        assertEquals(1, d.seq());
        assertEquals(ALICE_1.accountId(), d.sender());
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), d.ciphertext());
        assertEquals(clock.millis() + 60_000, d.expiresAt());

        bob.writeInbound(new Frame.Ack(List.of(1L)));
        assertEquals(0, store.read(BOB_1.address(), 0, 10).join().size());
    }

    @Test
    void theBacklogIsWindowedAndSyncedFollowsItsLastEntryOnce() {
        queueForBob(5);
        EmbeddedChannel bob = session(BOB_1, 2);
        List<Object> first = drain(bob);
        assertEquals(List.of(1L, 2L), seqs(first));
        assertEquals(2, first.size(), "no more than the window, no synced yet");

        bob.writeInbound(new Frame.Ack(List.of(1L)));
        assertEquals(List.of(3L), seqs(drain(bob)));
        bob.writeInbound(new Frame.Ack(List.of(2L, 3L)));
        List<Object> last = drain(bob);
        assertEquals(List.of(4L, 5L), seqs(last));
        assertEquals(3, last.size());
        assertInstanceOf(
                Frame.Synced.class, last.get(2), "synced right after the last backlog entry");
        bob.writeInbound(new Frame.Ack(List.of(4L)));
        assertEquals(List.of(), drain(bob));

        // later envelopes are pushed at once while the window has room; synced is not repeated
        EmbeddedChannel alice = session(ALICE_1, 64);
        alice.writeInbound(message("new1", BOB_1, "later"));
        alice.writeInbound(message("new2", BOB_1, "later"));
        drain(alice);
        assertEquals(List.of(6L), seqs(drain(bob)), "5 and 6 fill the window");
        bob.writeInbound(new Frame.Ack(List.of(5L)));
        List<Object> after = drain(bob);
        assertEquals(List.of(7L), seqs(after));
        assertEquals(1, after.size());
    }

    @Test
    void aLaterEntryNeverOvertakesAnEarlierOne() {
        EmbeddedChannel bob = session(BOB_1, 64);
        drain(bob);
        queueForBob(2);
        List<QueueEntry> entries = store.read(BOB_1.address(), 0, 10).join();
        // notifications arrive in the wrong order (two senders on two event loops)
        bus.publish(BOB_1.address(), List.of(entries.get(1)));
        bus.publish(BOB_1.address(), List.of(entries.get(0)));
        assertEquals(List.of(1L, 2L), seqs(drain(bob)));
    }

    @Test
    void expiredEntriesAreNotDelivered() {
        queueForBob(1);
        clock.advance(Duration.ofMinutes(2));
        EmbeddedChannel bob = session(BOB_1, 64);
        assertEquals(List.of(new Frame.Synced(clock.millis())), drain(bob));
    }

    @Test
    void acksOfOtherDevicesSeqsDeleteNothingOfTheirs() {
        queueForBob(1);
        store.register(ALICE_2.registration(0)).join();
        EmbeddedChannel alice2 = session(ALICE_2, 64);
        drain(alice2);
        alice2.writeInbound(new Frame.Ack(List.of(1L)));
        assertEquals(1, store.read(BOB_1.address(), 0, 10).join().size());
    }

    @Test
    void wrongRecipientsAreAnsweredWithTheSendsRef() {
        EmbeddedChannel alice = session(ALICE_1, 64);
        drain(alice);
        Frame.Send stale =
                new Frame.Send(
                        "s1",
                        Kind.MESSAGE,
                        clock.millis() + 1000,
                        null,
                        List.of(new Frame.Recipient(BOB_1.accountId(), 1, 1, new byte[] {1})));
        alice.writeInbound(stale);
        Frame.MismatchedDevices mismatched =
                assertInstanceOf(Frame.MismatchedDevices.class, drain(alice).get(0));
        assertEquals("s1", mismatched.clientMsgId());
        assertEquals(List.of(1), mismatched.mismatches().get(0).stale());

        alice.writeInbound(
                new Frame.Send(
                        "s2",
                        Kind.MESSAGE,
                        clock.millis() + 1000,
                        null,
                        List.of(
                                new Frame.Recipient(
                                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                        1,
                                        1,
                                        new byte[] {1}))));
        assertError(drain(alice), "s2", ErrorCode.UNKNOWN_RECIPIENT);

        alice.writeInbound(message("s3", BOB_1, "x".repeat(101)));
        assertError(drain(alice), "s3", ErrorCode.ENVELOPE_TOO_LARGE);

        Frame.Recipient bob = message("x", BOB_1, "x").recipients().get(0);
        alice.writeInbound(
                new Frame.Send("s4", Kind.MESSAGE, clock.millis() + 1000, null, List.of(bob, bob)));
        assertError(drain(alice), "s4", ErrorCode.INVALID_REQUEST);

        alice.writeInbound(
                new Frame.Send("s5", Kind.MESSAGE, clock.millis() - 1, null, List.of(bob)));
        assertError(drain(alice), "s5", ErrorCode.INVALID_REQUEST);
        assertEquals(0, store.read(BOB_1.address(), 0, 10).join().size(), "nothing stored");
    }

    @Test
    void aFullQueueIsReportedWithARetryHint() {
        queueForBob(QUOTA);
        EmbeddedChannel alice = session(ALICE_1, 64);
        drain(alice);
        alice.writeInbound(message("over", BOB_1, "x"));
        Frame.ErrorFrame error = assertError(drain(alice), "over", ErrorCode.QUOTA_EXCEEDED);
        assertEquals(30_000L, error.retryAfterMs());
    }

    @Test
    void ephemeralSendsAreForwardedWithSeqZeroAndNotStored() {
        EmbeddedChannel bob = session(BOB_1, 64);
        drain(bob);
        EmbeddedChannel alice = session(ALICE_1, 64);
        drain(alice);
        alice.writeInbound(
                new Frame.Send(
                        "typing",
                        Kind.EPHEMERAL,
                        clock.millis() + 5000,
                        new byte[] {7},
                        List.of(new Frame.Recipient(BOB_1.accountId(), 1, 2001, null))));
        assertInstanceOf(Frame.Accepted.class, drain(alice).get(0));
        Frame.Deliver d = assertInstanceOf(Frame.Deliver.class, drain(bob).get(0));
        assertEquals(0, d.seq());
        assertEquals(Kind.EPHEMERAL, d.kind());
        assertEquals(0, store.read(BOB_1.address(), 0, 10).join().size());
    }

    @Test
    void bundlesHandOutOneTimePreKeysOnce() {
        EmbeddedChannel alice = session(ALICE_1, 64);
        drain(alice);
        alice.writeInbound(new Frame.GetBundles("b1", BOB_1.accountId()));
        Frame.Bundles first = assertInstanceOf(Frame.Bundles.class, drain(alice).get(0));
        alice.writeInbound(new Frame.GetBundles("b2", BOB_1.accountId()));
        Frame.Bundles second = assertInstanceOf(Frame.Bundles.class, drain(alice).get(0));
        assertEquals("b1", first.requestId());
        assertFalse(
                first.devices().get(0).oneTimePreKey().id()
                        == second.devices().get(0).oneTimePreKey().id());

        alice.writeInbound(new Frame.GetBundles("b3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assertError(drain(alice), "b3", ErrorCode.NOT_FOUND);

        EmbeddedChannel bob = session(BOB_1, 64);
        drain(bob);
        bob.writeInbound(new Frame.GetPreKeyCount("c1"));
        assertEquals(List.of(new Frame.PreKeyCount("c1", 0, 0)), drain(bob));
        bob.writeInbound(
                new Frame.UploadPreKeys(
                        "u1",
                        null,
                        null,
                        List.of(new Frame.PreKey(77, Vectors.fake(33, 77))),
                        List.of()));
        assertEquals(List.of(new Frame.Ok("u1")), drain(bob));
        bob.writeInbound(new Frame.GetPreKeyCount("c2"));
        assertEquals(List.of(new Frame.PreKeyCount("c2", 1, 0)), drain(bob));
    }

    @Test
    void framesOnlyTheRelaySendsAreRefused() {
        EmbeddedChannel alice = session(ALICE_1, 64);
        drain(alice);
        alice.writeInbound(new Frame.Synced(1));
        assertError(drain(alice), null, ErrorCode.INVALID_REQUEST);
    }

    @Test
    void beforeAuthenticationEveryFrameIsRefusedWithItsRefAndNothingIsStored() {
        EmbeddedChannel stranger = new EmbeddedChannel(new SessionHandler(services(64)));
        stranger.attr(Channels.WEBSOCKET).set(true);
        stranger.writeInbound(message("m1", BOB_1, "hi"));
        assertError(drain(stranger), "m1", ErrorCode.INVALID_REQUEST);
        stranger.writeInbound(new Frame.GetPreKeyCount("c1"));
        assertError(drain(stranger), "c1", ErrorCode.INVALID_REQUEST);
        stranger.writeInbound(new Frame.Ack(List.of(1L)));
        assertError(drain(stranger), null, ErrorCode.INVALID_REQUEST);
        assertEquals(List.of(), store.read(BOB_1.address(), 0, 10).join());
        assertTrue(stranger.isActive(), "a refused frame does not close the connection");
    }

    @Test
    void aSecondAuthIsRefusedAndTheSessionGoesOn() {
        EmbeddedChannel alice = session(ALICE_1, 64);
        drain(alice);
        alice.writeInbound(new Frame.Auth(1, ALICE_1.accountId(), 1, new byte[64]));
        assertError(drain(alice), null, ErrorCode.INVALID_REQUEST);
        alice.writeInbound(message("m1", BOB_1, "hi"));
        assertEquals(List.of(new Frame.Accepted("m1", clock.millis())), drain(alice));
    }

    @Test
    void anUnexpectedFailureClosesWith1011AndAMessageThatIsNoFrameIsReleased() {
        EmbeddedChannel alice = session(ALICE_1, 64);
        drain(alice);
        ByteBuf stray = Unpooled.buffer(4).writeInt(7);
        alice.writeInbound(stray);
        assertEquals(0, stray.refCnt(), "released, not leaked");
        assertEquals(List.of(), drain(alice));

        alice.pipeline().fireExceptionCaught(new IllegalStateException("a bug"));
        CloseWebSocketFrame close =
                assertInstanceOf(CloseWebSocketFrame.class, drain(alice).get(0));
        assertEquals(CloseCodes.INTERNAL_ERROR, close.statusCode());
        close.release();
    }

    @Test
    void theReplacedConnectionClosingLeavesItsSuccessorOnTheBus() {
        EmbeddedChannel first = session(BOB_1, 64);
        drain(first);
        EmbeddedChannel second = session(BOB_1, 64);
        drain(second);
        first.runPendingTasks();
        first.close();
        drain(first).forEach(ReferenceCountUtil::release);

        EmbeddedChannel alice = session(ALICE_1, 64);
        drain(alice);
        alice.writeInbound(message("m1", BOB_1, "after the replacement"));
        assertEquals(List.of(new Frame.Accepted("m1", clock.millis())), drain(alice));
        assertEquals(List.of(1L), seqs(drain(second)));
    }

    @Test
    void aNewConnectionReplacesTheOldOneAndGetsItsUnackedEntries() {
        queueForBob(1);
        EmbeddedChannel first = session(BOB_1, 64);
        assertEquals(List.of(1L), seqs(drain(first)));
        EmbeddedChannel second = session(BOB_1, 64);
        first.runPendingTasks();
        CloseWebSocketFrame close =
                assertInstanceOf(CloseWebSocketFrame.class, drain(first).get(0));
        assertEquals(CloseCodes.REPLACED, close.statusCode());
        close.release();
        assertEquals(List.of(1L), seqs(drain(second)));
        assertNull(first.readOutbound());
    }

    private static List<Long> seqs(List<Object> frames) {
        return frames.stream()
                .filter(f -> f instanceof Frame.Deliver)
                .map(f -> ((Frame.Deliver) f).seq())
                .toList();
    }

    private static Frame.ErrorFrame assertError(List<Object> out, String ref, ErrorCode code) {
        Frame.ErrorFrame error = assertInstanceOf(Frame.ErrorFrame.class, out.get(0));
        assertEquals(code, error.code(), error.message());
        assertEquals(ref, error.ref());
        return error;
    }
}
