package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.cli.internal.error.ErrorMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits on SDK futures, so that no command hangs and every failure has an exit code. */
final class Await {
    private Await() {}

    /**
     * Returns a future that completes when all of {@code results} succeed, and fails as soon as one
     * of them or {@code fatal} fails.
     */
    static CompletableFuture<Void> allUnlessFailed(
            List<? extends CompletableFuture<?>> results, CompletableFuture<?> fatal) {
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenRun(() -> outcome.complete(null));
        for (CompletableFuture<?> result : results) {
            failWith(result, outcome);
        }
        failWith(fatal, outcome);
        return outcome;
    }

    /**
     * Waits up to {@code timeout} for {@code outcome}.
     *
     * @throws TimeoutException if it is still running then
     * @throws CliError the mapped failure if it failed
     */
    static void within(CompletableFuture<?> outcome, Duration timeout) throws TimeoutException {
        try {
            outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw ErrorMapper.toCliError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError.Internal("interrupted while waiting for the relay", e);
        }
    }

    /** Waits {@code duration}, returning early only by throwing when {@code fatal} fails. */
    static void listen(CompletableFuture<?> fatal, Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            within(fatal, duration);
        } catch (TimeoutException e) {
            // the normal end of listening
        }
    }

    private static void failWith(CompletableFuture<?> source, CompletableFuture<Void> outcome) {
        source.whenComplete(
                (value, failure) -> {
                    if (failure != null) {
                        outcome.completeExceptionally(failure);
                    }
                });
    }
}
