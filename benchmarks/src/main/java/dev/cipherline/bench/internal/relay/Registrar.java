package dev.cipherline.bench.internal.relay;

import dev.cipherline.protocol.FrameCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Registers devices with {@code POST /v1/devices}, a bounded number at a time. */
public final class Registrar {
    private static final int IN_FLIGHT = 32;

    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
    private final FrameCodec codec = new FrameCodec();
    private final URI endpoint;

    public Registrar(URI relay) {
        this.endpoint = URI.create(relay + "/v1/devices");
    }

    /**
     * Creates and registers {@code count} new single-device accounts.
     *
     * @throws IOException if any registration is refused or the whole batch takes longer than
     *     {@code timeout}
     */
    public List<BenchDevice> register(int count, Duration timeout)
            throws IOException, InterruptedException {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<BenchDevice> devices = new ArrayList<>(count);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < count; i++) {
            if (!slots.tryAcquire(
                    Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IOException("registering " + count + " devices took over " + timeout);
            }
            BenchDevice device = BenchDevice.create();
            HttpRequest request =
                    HttpRequest.newBuilder(endpoint)
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(
                                    HttpRequest.BodyPublishers.ofByteArray(
                                            codec.encodeJson(device.registration())))
                            .build();
            devices.add(device);
            answers.add(
                    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                            .whenComplete((r, e) -> slots.release()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response;
            try {
                response =
                        answer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                throw new IOException("registration failed: " + e, e);
            }
            if (response.statusCode() != 201) {
                throw new IOException(
                        "registration answered " + response.statusCode() + ": " + response.body());
            }
        }
        return devices;
    }
}
