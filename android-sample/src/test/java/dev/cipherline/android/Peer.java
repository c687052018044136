package dev.cipherline.android;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The other person: a plain SDK client in the test's JVM, talking through the same relay. */
final class Peer implements AutoCloseable {
    record State(MessageId id, MessageState state) {}

    record Typing(AccountId from, boolean typing) {}

    final AccountId id;
    final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<State> states = new LinkedBlockingQueue<>();
    final BlockingQueue<Typing> typing = new LinkedBlockingQueue<>();
    private final Path home;
    private ChatClient client;

    Peer(Path home, URI relay, String name) {
        this.home = home;
        this.id = ChatClient.initialize(home, relay, name).accountId();
        open();
    }

    ChatClient client() {
        return client;
    }

    void open() {
        client =
                ChatClient.builder()
                        .home(home)
                        .listener(
                                new ChatListener() {
                                    @Override
                                    public void onMessage(IncomingMessage message) {
                                        messages.add(message);
                                    }

                                    @Override
                                    public void onMessageState(MessageId id, MessageState state) {
                                        states.add(new State(id, state));
                                    }

                                    @Override
                                    public void onTyping(AccountId from, boolean on) {
                                        typing.add(new Typing(from, on));
                                    }
                                })
                        .build();
    }

    /** Waits until the client is connected to the relay. */
    void awaitConnected() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (client.connectionState() != ConnectionState.CONNECTED) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the peer did not connect");
            }
            Thread.sleep(20);
        }
    }

    /** The next message, or fails after a minute. */
    IncomingMessage nextMessage() throws InterruptedException {
        IncomingMessage message = messages.poll(60, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("the peer received no message");
        }
        return message;
    }

    /** Waits for {@code id} to reach {@code state} at this peer. */
    void awaitState(MessageId id, MessageState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            State next = states.poll(1, TimeUnit.SECONDS);
            if (next != null && next.id().equals(id) && next.state() == state) {
                return;
            }
        }
        throw new AssertionError(id + " never reached " + state + " at the peer");
    }

    /** The next typing event, or fails after a minute. */
    Typing nextTyping() throws InterruptedException {
        Typing next = typing.poll(60, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("the peer heard no typing event");
        }
        return next;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
