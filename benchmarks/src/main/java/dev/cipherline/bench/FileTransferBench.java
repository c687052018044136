package dev.cipherline.bench;

import com.sun.net.httpserver.HttpServer;
import dev.cipherline.bench.internal.relay.BenchDevice;
import dev.cipherline.bench.internal.relay.Registrar;
import dev.cipherline.bench.internal.relay.RelayProcess;
import dev.cipherline.protocol.Blobs;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.SignedPayloads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Upload and download throughput of one file through the relay's blob API, against {@code curl}
 * putting and getting the same bytes to and from a static file server (the JDK's HTTP server) on
 * the same machine, in one run.
 *
 * <pre>
 * java -cp 'benchmarks/target/cipherline-bench.jar:benchmarks/target/lib/*' \
 *     dev.cipherline.bench.FileTransferBench [--mib 50] [--repeat 3] [--relay-jar PATH]
 * </pre>
 *
 * The relay runs as its own process on SQLite (files under its data directory, every 8 MiB chunk
 * synced before it is confirmed); the client is the JDK's HTTP client signing each request as the
 * SDK does. The figures are MiB/s, the median of the repeats; the JSON line at the end holds them
 * all.
 */
public final class FileTransferBench {
    private static final int CHUNK = 8 * 1024 * 1024;

    private FileTransferBench() {}

    public static void main(String[] args) throws Exception {
        int mib = 50;
        int repeat = 3;
        Path relayJar = Path.of("relay-server/target/cipherline-relay.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mib" -> mib = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--relay-jar" -> relayJar = Path.of(args[++i]);
                default -> {
                    System.err.println(
                            "usage: FileTransferBench [--mib N] [--repeat R] [--relay-jar PATH]");
                    System.exit(2);
                }
            }
        }
        Path work = Files.createTempDirectory("cipherline-files-bench-");
        Path file = work.resolve("payload.bin");
        byte[] block = new byte[1024 * 1024];
        SecureRandom random = new SecureRandom();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        long size = Files.size(file);
        List<Double> relayUp = new ArrayList<>();
        List<Double> relayDown = new ArrayList<>();
        List<Double> curlUp = new ArrayList<>();
        List<Double> curlDown = new ArrayList<>();
        try (RelayProcess relay =
                RelayProcess.start(relayJar, List.of(), List.of("--admin-listen", "off"))) {
            List<BenchDevice> devices =
                    new Registrar(relay.url()).register(2, Duration.ofSeconds(60));
            Client sender = new Client(relay.url(), devices.get(0));
            Client receiver = new Client(relay.url(), devices.get(1));
            for (int r = 0; r < repeat; r++) {
                long t0 = System.nanoTime();
                String id = sender.upload(file, size, devices.get(1));
                long t1 = System.nanoTime();
                Path back = work.resolve("back.bin");
                receiver.download(id, back);
                long t2 = System.nanoTime();
                if (!MessageDigest.isEqual(sha256(file), sha256(back))) {
                    throw new IOException("the downloaded blob differs from the uploaded one");
                }
                receiver.release(id);
                Files.delete(back);
                relayUp.add(mibPerSecond(size, t1 - t0));
                relayDown.add(mibPerSecond(size, t2 - t1));
            }
        }
        HttpServer server = staticServer(file, work.resolve("uploaded.bin"));
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            for (int r = 0; r < repeat; r++) {
                long t0 = System.nanoTime();
                curl("-sS", "-f", "-T", file.toString(), base + "/upload");
                long t1 = System.nanoTime();
                curl("-sS", "-f", "-o", work.resolve("curl.bin").toString(), base + "/payload.bin");
                long t2 = System.nanoTime();
                curlUp.add(mibPerSecond(size, t1 - t0));
                curlDown.add(mibPerSecond(size, t2 - t1));
            }
        } finally {
            server.stop(0);
        }
        System.out.printf(
                Locale.ROOT,
                "| %d MiB | upload MiB/s | download MiB/s |%n|---|---|---|%n"
                        + "| relay blob API | %.1f | %.1f |%n| curl, static server | %.1f | %.1f |%n",
                mib,
                median(relayUp),
                median(relayDown),
                median(curlUp),
                median(curlDown));
        System.out.printf(
                Locale.ROOT,
                "{\"benchmark\":\"files\",\"mib\":%d,\"repeat\":%d,\"relayUpload\":%s,"
                        + "\"relayDownload\":%s,\"curlUpload\":%s,\"curlDownload\":%s}%n",
                mib,
                repeat,
                relayUp,
                relayDown,
                curlUp,
                curlDown);
        deleteTree(work);
    }

    /** Serves {@code GET /payload.bin} from {@code file} and stores a {@code PUT} in {@code to}. */
    private static HttpServer staticServer(Path file, Path to) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext(
                "/",
                exchange -> {
                    try (exchange) {
                        if (exchange.getRequestMethod().equals("PUT")) {
                            try (InputStream in = exchange.getRequestBody()) {
                                Files.copy(
                                        in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                            }
                            exchange.sendResponseHeaders(201, -1);
                        } else {
                            exchange.sendResponseHeaders(200, Files.size(file));
                            try (OutputStream out = exchange.getResponseBody()) {
                                Files.copy(file, out);
                            }
                        }
                    }
                });
        server.start();
        return server;
    }

    private static void curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("curl");
        Collections.addAll(command, args);
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("curl failed: " + command);
        }
    }

    /** Signs blob requests as one registered device. */
    private static final class Client {
        private final URI base;
        private final BenchDevice device;
        private final HttpClient http = HttpClient.newHttpClient();
        private final FrameCodec codec = new FrameCodec();

        Client(URI base, BenchDevice device) {
            this.base = base;
            this.device = device;
        }

        String upload(Path file, long size, BenchDevice to) throws Exception {
            byte[] body =
                    codec.encodeJson(
                            new Blobs.Create(
                                    size,
                                    0,
                                    List.of(new Blobs.Recipient(to.accountId(), to.deviceId()))));
            HttpResponse<byte[]> created =
                    http.send(
                            signed("POST", Blobs.PATH, body.length, sha256(body))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            check(created, 201);
            String id = codec.decodeJson(created.body(), Blobs.Status.class).id();
            for (long offset = 0; offset < size; offset += CHUNK) {
                long from = offset;
                int length = (int) Math.min(CHUNK, size - offset);
                String target = Blobs.PATH + "/" + id + "?offset=" + from;
                HttpResponse<byte[]> put =
                        http.send(
                                signed("PUT", target, length, new byte[32])
                                        .PUT(
                                                HttpRequest.BodyPublishers.fromPublisher(
                                                        HttpRequest.BodyPublishers.ofInputStream(
                                                                () -> slice(file, from, length)),
                                                        length))
                                        .build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                check(put, 200);
            }
            return id;
        }

        void download(String id, Path to) throws Exception {
            HttpResponse<Path> got =
                    http.send(
                            signed("GET", Blobs.PATH + "/" + id, 0, new byte[32]).GET().build(),
                            HttpResponse.BodyHandlers.ofFile(to));
            if (got.statusCode() != 200) {
                throw new IOException("download answered " + got.statusCode());
            }
        }

        void release(String id) throws Exception {
            check(
                    http.send(
                            signed("DELETE", Blobs.PATH + "/" + id, 0, new byte[32])
                                    .DELETE()
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray()),
                    200);
        }

        private HttpRequest.Builder signed(
                String method, String target, long length, byte[] digest) {
            long time = System.currentTimeMillis();
            byte[] payload =
                    SignedPayloads.httpRequest(
                            method,
                            target,
                            time,
                            device.accountId(),
                            device.deviceId(),
                            length,
                            digest);
            return HttpRequest.newBuilder(base.resolve(target))
                    .header(Blobs.ACCOUNT_HEADER, device.accountId())
                    .header(Blobs.DEVICE_HEADER, Integer.toString(device.deviceId()))
                    .header(Blobs.TIME_HEADER, Long.toString(time))
                    .header(
                            Blobs.SIGNATURE_HEADER,
                            Base64.getEncoder().encodeToString(device.signWithAuthKey(payload)));
        }

        private static void check(HttpResponse<byte[]> r, int status) throws IOException {
            if (r.statusCode() != status) {
                throw new IOException(
                        "the relay answered " + r.statusCode() + ": " + new String(r.body()));
            }
        }
    }

    private static InputStream slice(Path file, long from, int length) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(from);
            return new java.io.FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    left--;
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(b, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                d.update(buffer, 0, n);
            }
        }
        return d.digest();
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return Math.round(bytes / (1024.0 * 1024.0) / (nanos / 1e9) * 10) / 10.0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
