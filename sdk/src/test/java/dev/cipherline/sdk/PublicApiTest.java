package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cipherline.sdk.internal.client.ClientCore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.signal.libsignal.protocol.IdentityKey;

/**
 * The public package names no type an app should not depend on: a libsignal, OkHttp, JDBC or
 * Jackson type, or one of the SDK's own internals, in a public signature would tie every app to it.
 */
class PublicApiTest {
    @Test
    void publicSignaturesNameOnlyJavaAndSdkTypes() {
        List<Class<?>> api = ApiSignatures.publicClasses();
        assertTrue(
                api.containsAll(
                        List.of(
                                ChatClient.class,
                                ChatClient.Builder.class,
                                ChatListener.class,
                                Contacts.class,
                                Groups.class,
                                History.class,
                                Verification.class,
                                ChatException.Reason.class)),
                "the scan finds the public classes: " + api);
        List<String> violations =
                api.stream().flatMap(c -> ApiSignatures.violations(c).stream()).toList();
        assertEquals(List.of(), violations);
    }

    @Test
    void theCheckFindsEveryKindOfForeignType() {
        Map<Class<?>, String> bad =
                Map.of(
                        ReturnsOkHttp.class, "okhttp3.OkHttpClient",
                        GenericArgument.class, "okhttp3.Request",
                        LibsignalField.class, "org.signal.libsignal.protocol.IdentityKey",
                        ThrowsJdbc.class, "java.sql.SQLException",
                        ImplementsOkHttp.class, "okhttp3.Callback",
                        RecordWithJackson.class, "com.fasterxml.jackson.databind.JsonNode",
                        ProtectedInternal.class, "dev.cipherline.sdk.internal.client.ClientCore",
                        BoundedTypeParameter.class, "java.sql.Connection",
                        WildcardInArray.class, "okhttp3.Request",
                        PublicConstructor.class, "okhttp3.OkHttpClient");
        for (Map.Entry<Class<?>, String> fixture : bad.entrySet()) {
            List<String> found = ApiSignatures.violations(fixture.getKey());
            assertTrue(
                    found.stream().anyMatch(v -> v.endsWith(": " + fixture.getValue())),
                    fixture.getKey().getSimpleName() + " is caught: " + found);
        }
        assertEquals(List.of(), ApiSignatures.violations(OnlyPrivateForeign.class));
    }

    @Test
    void onlyPublicClassesCount() {
        assertTrue(ApiSignatures.reachable(ChatClient.Builder.class));
        assertTrue(!ApiSignatures.reachable(Hidden.Nested.class));
    }

    // ---- fixtures: each names one foreign type in a public or protected signature ----

    public static class ReturnsOkHttp {
        public OkHttpClient http() {
            return null;
        }
    }

    public static class GenericArgument {
        public void take(List<Optional<Request>> requests) {}
    }

    public static class LibsignalField {
        public IdentityKey key;
    }

    public static class ThrowsJdbc {
        public void run() throws SQLException {}
    }

    public abstract static class ImplementsOkHttp implements Callback {}

    public record RecordWithJackson(JsonNode tree) {}

    public static class ProtectedInternal {
        protected void wire(ClientCore core) {}
    }

    public static class BoundedTypeParameter {
        public <T extends Connection> void use(Supplier<T> connection) {}
    }

    public static class WildcardInArray {
        public List<? extends Request>[] lists() {
            return null;
        }
    }

    public static class PublicConstructor {
        public PublicConstructor(OkHttpClient client) {}
    }

    public static class OnlyPrivateForeign {
        private OkHttpClient http;

        OnlyPrivateForeign(ClientCore core) {}

        private SQLException failure() {
            return null;
        }

        public List<String> fine() {
            return List.of();
        }
    }

    static class Hidden {
        public static class Nested {}
    }
}
