package dev.cipherline.cli.internal.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ChatException.Reason;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorMapperTest {
    /** The documented table (README): SDK failure reason to exit code. */
    private static final Map<Reason, Integer> EXIT_CODES =
            Map.ofEntries(
                    Map.entry(Reason.INVALID_ARGUMENT, 2),
                    Map.entry(Reason.NOT_INITIALIZED, 3),
                    Map.entry(Reason.ALREADY_INITIALIZED, 3),
                    Map.entry(Reason.IN_USE, 3),
                    Map.entry(Reason.RELAY_UNREACHABLE, 4),
                    Map.entry(Reason.TIMEOUT, 4),
                    Map.entry(Reason.REJECTED, 5),
                    Map.entry(Reason.UNKNOWN_CONTACT, 5),
                    Map.entry(Reason.AUTH_FAILED, 6),
                    Map.entry(Reason.LOCKED, 7),
                    Map.entry(Reason.RELAY_UNTRUSTED, 8),
                    Map.entry(Reason.STORE_FAILURE, 1),
                    Map.entry(Reason.CRYPTO_FAILURE, 1),
                    Map.entry(Reason.CLOSED, 1),
                    Map.entry(Reason.REGISTRATION_CLOSED, 5),
                    Map.entry(Reason.INVITE_INVALID, 5),
                    Map.entry(Reason.INVITE_USED, 5),
                    Map.entry(Reason.INVITE_EXPIRED, 5),
                    Map.entry(Reason.TOO_MANY_DEVICES, 5),
                    Map.entry(Reason.DEVICE_REMOVED, 6),
                    Map.entry(Reason.LINK_INVALID, 2),
                    Map.entry(Reason.LINK_EXPIRED, 5),
                    Map.entry(Reason.LINK_USED, 5),
                    Map.entry(Reason.LINK_DECLINED, 5),
                    Map.entry(Reason.LINK_FAILED, 5),
                    Map.entry(Reason.FILE_TOO_LARGE, 5),
                    Map.entry(Reason.QUOTA_EXCEEDED, 5),
                    Map.entry(Reason.FILE_UNAVAILABLE, 5));

    @ParameterizedTest
    @EnumSource(Reason.class)
    void everySdkReasonHasTheDocumentedExitCode(Reason reason) {
        CliError error = ErrorMapper.toCliError(new ChatException(reason, "The relay said no."));

        assertEquals(EXIT_CODES.get(reason), error.exitCode().code(), reason.name());
        assertEquals("The relay said no.", error.getMessage());
    }

    @Test
    void wrappedFailuresAreUnwrapped() {
        ChatException rejected = new ChatException(Reason.REJECTED, "Unknown recipient.");

        CliError error =
                ErrorMapper.toCliError(new ExecutionException(new CompletionException(rejected)));

        assertEquals(ExitCode.REJECTED, error.exitCode());
    }

    @Test
    void cliErrorsKeepTheirOwnCode() {
        CliError usage = new CliError.Usage("bad");

        assertSame(usage, ErrorMapper.toCliError(usage));
    }

    @Test
    void anythingElseIsAnInternalError() {
        CliError error = ErrorMapper.toCliError(new IllegalStateException("broken invariant"));

        assertInstanceOf(CliError.Internal.class, error);
        assertEquals(1, error.exitCode().code());
        assertEquals("internal error: broken invariant", error.getMessage());
    }

    @Test
    void exitCodesAreDistinctAndDocumented() {
        assertEquals(
                Arrays.asList(0, 1, 2, 3, 4, 5, 6, 7, 8),
                Arrays.stream(ExitCode.values()).map(ExitCode::code).toList());
        assertEquals(9, ExitCode.helpList().size());
    }

    @Test
    void aReportIsExactlyOneLine() {
        StringWriter err = new StringWriter();

        ErrorMapper.report(new PrintWriter(err), "first line\nsecond line\r\n");

        assertEquals("cipherline: first line second line" + System.lineSeparator(), err.toString());
    }
}
