package dev.cipherline.sdk.example;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.StoreProtection;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Says hello to Bob and prints his answer: java HelloBob HOME RELAY_URL BOBS_ACCOUNT_ID */
public final class HelloBob {
    public static void main(String[] args) throws Exception {
        char[] passphrase = System.console().readPassword("passphrase for %s: ", args[0]);
        chat(Path.of(args[0]), URI.create(args[1]), AccountId.parse(args[2]), passphrase);
    }

    public static void chat(Path home, URI relay, AccountId bob, char[] passphrase)
            throws Exception {
        StoreProtection protection = StoreProtection.passphrase(passphrase);
        if (!ChatClient.isInitialized(home)) {
            // once per device: a new identity, registered with the relay, kept encrypted in home
            AccountId me = ChatClient.initialize(home, relay, "alice", protection).accountId();
            System.out.println("my account ID, for Bob: " + me);
        }
        CountDownLatch answered = new CountDownLatch(1);
        ChatListener listener =
                new ChatListener() {
                    @Override
                    public void onMessage(IncomingMessage message) {
                        // on the SDK's cipherline-events thread: each message once, in order
                        System.out.println(message.from() + ": " + message.text());
                        answered.countDown();
                    }
                };
        try (ChatClient client =
                ChatClient.builder().home(home).protection(protection).listener(listener).build()) {
            client.contacts().add("bob", bob);
            client.send(bob, "Hello Bob").accepted().get(30, TimeUnit.SECONDS); // the relay has it
            answered.await(60, TimeUnit.SECONDS);
        }
    }
}
