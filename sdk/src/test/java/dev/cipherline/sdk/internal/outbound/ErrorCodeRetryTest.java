package dev.cipherline.sdk.internal.outbound;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

/** Which relay error codes make a message FAILED and which are retried with the same ID. */
class ErrorCodeRetryTest {
    @Test
    void anUnreachableRelayStoreIsRetriedLikeAShutdownOrAnInternalError() {
        for (ErrorCode code :
                new ErrorCode[] {
                    ErrorCode.UNAVAILABLE, ErrorCode.SHUTTING_DOWN, ErrorCode.INTERNAL_ERROR
                }) {
            assertFalse(RelayAnswers.isPermanent(code), code + " must be retried");
        }
        // an older SDK reads the new code as internal-error, which it retries too
        assertFalse(RelayAnswers.isPermanent(ErrorCode.fromCode("some-future-code")));
    }

    @Test
    void aRefusalNoRetryCanFixFailsTheMessage() {
        assertTrue(RelayAnswers.isPermanent(ErrorCode.ENVELOPE_TOO_LARGE));
        assertTrue(RelayAnswers.isPermanent(ErrorCode.UNKNOWN_RECIPIENT));
    }
}
