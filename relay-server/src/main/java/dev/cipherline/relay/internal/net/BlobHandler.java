package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.Blobs;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.protocol.Registration;
import dev.cipherline.relay.internal.store.BlobQuotaException;
import dev.cipherline.relay.internal.store.BlobRecord;
import dev.cipherline.relay.internal.store.BlobStore;
import dev.cipherline.relay.internal.store.DeviceAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The blob API ({@code /v1/blobs...}, docs/PROTOCOL.md "Blob API"), streamed: it sits before the
 * HTTP aggregator and takes every request under {@link Blobs#PATH}, so that no body is ever held in
 * memory whole; other requests pass by untouched. Every request is signed by a device ({@link
 * BlobService#authenticate}); the signature is checked on the request head (on the body too for
 * {@code POST}).
 *
 * <ul>
 *   <li>{@code POST /v1/blobs}: creates an empty blob (size, expiry, recipient devices);
 *   <li>{@code PUT /v1/blobs/{id}?offset=N}: writes a chunk at the committed offset, syncs it and
 *       answers the new offset (resumable);
 *   <li>{@code GET /v1/blobs/{id}/status}: the committed offset;
 *   <li>{@code GET /v1/blobs/{id}}: the bytes of a complete blob, with {@code Range} support;
 *   <li>{@code DELETE /v1/blobs/{id}}: by the uploader deletes it, by a recipient releases it
 *       (deleted when the last recipient released it).
 * </ul>
 *
 * <p>Blocking I/O (files, syncs) runs on {@link BlobService#io}; store futures complete on store
 * threads; every state change of this handler happens on the event loop. While a request waits for
 * one of those, reads are paused and what was already decoded is queued, in order.
 */
final class BlobHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(BlobHandler.class.getName());
    private static final byte[] NO_DIGEST = new byte[32];
    private static final int DOWNLOAD_CHUNK = 256 * 1024;
    private static final long PAUSE_AT = 4L * 1024 * 1024;
    private static final long RESUME_AT = 1024L * 1024;

    private final FrameCodec codec;
    private final BlobService service;

    /** Messages read while busy, handled in order once not. */
    private final ArrayDeque<Object> inbox = new ArrayDeque<>();

    /** The blob request being read, or null. */
    private Exchange current;

    private boolean busy;
    private ChannelHandlerContext ctx;

    BlobHandler(FrameCodec codec, BlobService service) {
        this.codec = codec;
        this.service = service;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (inbox.isEmpty() && !busy) {
            handle(msg);
        } else {
            inbox.add(msg);
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void drain() {
        while (!busy && !inbox.isEmpty()) {
            handle(inbox.poll());
        }
        if (!busy && inbox.isEmpty() && !paused()) {
            if (!ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
                ctx.read();
            }
        }
    }

    private boolean paused() {
        return current != null && current.inFlight > RESUME_AT;
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest request) {
            if (current != null) {
                // a pipelined request: it waits until the current answer is complete
                inbox.addFirst(msg);
                busy = true;
                pauseReads();
                return;
            }
            String path = path(request);
            if (path == null || !(path.equals(Blobs.PATH) || path.startsWith(Blobs.PATH + "/"))) {
                ctx.fireChannelRead(msg);
                return;
            }
            current = new Exchange(request, path);
            start(current);
            if (msg instanceof HttpContent content) {
                body(current, content);
            }
            return;
        }
        if (msg instanceof HttpContent content && current != null) {
            body(current, content);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    static String path(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return null;
        }
        try {
            return new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** What the request asks for. */
    private enum Route {
        CREATE,
        UPLOAD,
        STATUS,
        DOWNLOAD,
        DELETE
    }

    /** One blob request, from its head to its answer. */
    private final class Exchange {
        final HttpRequest request;
        final boolean keepAlive;
        final String id;
        final Route route;
        final String routeError;
        long contentLength;
        CompositeByteBuf createBody;
        DeviceAddress device;
        BlobRecord blob;
        BlobStore.Sink sink;
        long expectedOffset;
        long received;
        long inFlight;
        CompletableFuture<Void> writes = CompletableFuture.completedFuture(null);
        Throwable writeFailure;
        boolean answered;
        boolean lastSeen;
        boolean ready;
        final List<HttpContent> early = new ArrayList<>();

        Exchange(HttpRequest request, String path) {
            this.request = request;
            this.keepAlive = HttpUtil.isKeepAlive(request);
            this.contentLength = HttpUtil.getContentLength(request, -1L);
            HttpMethod m = request.method();
            String rest =
                    path.length() > Blobs.PATH.length()
                            ? path.substring(Blobs.PATH.length() + 1)
                            : "";
            String blobId = null;
            Route r = null;
            String error = null;
            if (rest.isEmpty()) {
                if (m.equals(HttpMethod.POST)) {
                    r = Route.CREATE;
                } else {
                    error = "use POST to create a blob";
                }
            } else if (rest.endsWith("/status")) {
                blobId = rest.substring(0, rest.length() - "/status".length());
                r = m.equals(HttpMethod.GET) ? Route.STATUS : null;
                error = r == null ? "use GET for a blob's status" : null;
            } else {
                blobId = rest;
                if (m.equals(HttpMethod.PUT)) {
                    r = Route.UPLOAD;
                } else if (m.equals(HttpMethod.GET)) {
                    r = Route.DOWNLOAD;
                } else if (m.equals(HttpMethod.DELETE)) {
                    r = Route.DELETE;
                } else {
                    error = "use PUT, GET or DELETE on a blob";
                }
            }
            if (error == null && blobId != null && !Blobs.isId(blobId)) {
                error = "not a blob ID";
            }
            this.id = blobId;
            this.route = r;
            this.routeError = error;
        }
    }

    private void start(Exchange x) {
        if (x.routeError != null) {
            fail(x, HttpResponseStatus.NOT_FOUND, ErrorCode.NOT_FOUND, x.routeError);
            return;
        }
        String missing = BlobService.missingHeaders(x.request.headers());
        if (missing != null) {
            fail(x, HttpResponseStatus.UNAUTHORIZED, ErrorCode.AUTH_REQUIRED, missing);
            return;
        }
        if (x.route == Route.CREATE) {
            if (x.contentLength < 0 || x.contentLength > codec.limits().maxFrameBytes()) {
                fail(
                        x,
                        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        ErrorCode.FRAME_TOO_LARGE,
                        "a create request needs a Content-Length of at most "
                                + codec.limits().maxFrameBytes());
                return;
            }
            x.createBody = ctx.alloc().compositeBuffer();
            x.ready = true; // the body is gathered here, then signed
            return;
        }
        if (x.route == Route.UPLOAD && x.contentLength < 0) {
            fail(
                    x,
                    HttpResponseStatus.LENGTH_REQUIRED,
                    ErrorCode.INVALID_REQUEST,
                    "a chunk needs a Content-Length");
            return;
        }
        busy = true;
        pauseReads();
        service.authenticate(x.request, Math.max(0, x.contentLength), NO_DIGEST)
                .thenCompose(
                        device -> {
                            if (device.isEmpty()) {
                                return CompletableFuture.completedFuture(
                                        new Lookup(null, Optional.empty()));
                            }
                            return service.blobs()
                                    .find(x.id)
                                    .thenApply(b -> new Lookup(device.get(), b));
                        })
                .whenCompleteAsync((lookup, error) -> found(x, lookup, error), ctx.executor());
    }

    private record Lookup(DeviceAddress device, Optional<BlobRecord> blob) {}

    private void pauseReads() {
        ctx.channel().config().setAutoRead(false);
    }

    private void found(Exchange x, Lookup lookup, Throwable error) {
        if (x != current || !ctx.channel().isActive()) {
            return;
        }
        if (error != null) {
            storeFailed(x, error);
            return;
        }
        if (lookup.device() == null) {
            unauthenticated(x);
            return;
        }
        authenticated(x, lookup.device());
        BlobRecord blob = lookup.blob().orElse(null);
        boolean owner = blob != null && blob.owner().equals(x.device);
        if (blob == null || !blob.readableBy(x.device)) {
            fail(x, HttpResponseStatus.NOT_FOUND, ErrorCode.NOT_FOUND, "no such blob");
            return;
        }
        if (blob.expiresAt() <= service.clock().millis()) {
            fail(x, HttpResponseStatus.GONE, ErrorCode.BLOB_EXPIRED, "the blob has expired");
            return;
        }
        x.blob = blob;
        switch (x.route) {
            case STATUS -> answerJson(x, HttpResponseStatus.OK, status(blob));
            case DELETE -> delete(x, owner);
            case DOWNLOAD -> download(x);
            case UPLOAD -> upload(x, owner);
            default -> throw new IllegalStateException();
        }
    }

    private void authenticated(Exchange x, DeviceAddress device) {
        x.device = device;
        // a signed request is authenticated: an upload may take longer than the deadline
        if (ctx.pipeline().get(PreAuthDeadlineHandler.NAME) != null) {
            ctx.pipeline().remove(PreAuthDeadlineHandler.NAME);
        }
    }

    private void unauthenticated(Exchange x) {
        LOG.log(Level.DEBUG, "a blob request's signature did not verify");
        fail(
                x,
                HttpResponseStatus.UNAUTHORIZED,
                ErrorCode.AUTH_FAILED,
                "unknown device, a signature that does not verify, or a time more than 5"
                        + " minutes from the relay's (see the X-Cipherline-Time answer header)");
    }

    private static Blobs.Status status(BlobRecord b) {
        return new Blobs.Status(b.id(), b.size(), b.offset(), b.complete(), b.expiresAt());
    }

    // ---- create ----

    private void body(Exchange x, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (last) {
            x.lastSeen = true;
        }
        if (x.answered) {
            content.release();
            if (last && x.ready) {
                finished(x);
            }
            return;
        }
        if (x.route == Route.CREATE) {
            x.createBody.addComponent(true, content.content().retain());
            content.release();
            if (last) {
                create(x);
            }
            return;
        }
        if (x.route != Route.UPLOAD) {
            content.release(); // GET, DELETE: a body is ignored; the answer sees lastSeen
            return;
        }
        if (!x.ready) {
            x.early.add(content);
            return;
        }
        write(x, content);
    }

    private void create(Exchange x) {
        byte[] body = ByteBufUtil.getBytes(x.createBody);
        x.createBody.release();
        x.createBody = null;
        busy = true;
        pauseReads();
        Blobs.Create create;
        try {
            create = codec.decodeJson(body, Blobs.Create.class);
        } catch (ProtocolException e) {
            fail(
                    x,
                    HttpResponseStatus.BAD_REQUEST,
                    e.code(),
                    FrameCodecHandler.printable(e.getMessage()));
            return;
        }
        service.authenticate(x.request, body.length, sha256(body))
                .whenCompleteAsync(
                        (device, error) -> {
                            if (error != null) {
                                storeFailed(x, error);
                            } else if (device.isEmpty()) {
                                unauthenticated(x);
                            } else {
                                authenticated(x, device.get());
                                create(x, create);
                            }
                        },
                        ctx.executor());
    }

    private void create(Exchange x, Blobs.Create create) {
        if (create.size() > service.limits().maxBlobBytes()) {
            fail(
                    x,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    ErrorCode.BLOB_TOO_LARGE,
                    "a file may be at most " + service.limits().maxBlobBytes() + " bytes here");
            return;
        }
        long now = service.clock().millis();
        long max = now + service.maxExpiry().toMillis();
        long expiresAt = create.expiresAt() == 0 ? max : Math.min(create.expiresAt(), max);
        if (expiresAt <= now) {
            fail(
                    x,
                    HttpResponseStatus.BAD_REQUEST,
                    ErrorCode.INVALID_REQUEST,
                    "expiresAt has passed");
            return;
        }
        List<DeviceAddress> recipients = new ArrayList<>();
        List<CompletableFuture<Void>> expanded = new ArrayList<>();
        for (Blobs.Recipient r : create.recipients()) {
            if (r.deviceId() != 0) {
                recipients.add(new DeviceAddress(r.accountId(), r.deviceId()));
                continue;
            }
            // every device the account has now; the futures complete on store threads
            expanded.add(
                    service.accounts()
                            .devices(r.accountId())
                            .thenAccept(
                                    list -> {
                                        synchronized (recipients) {
                                            for (var d : list) {
                                                recipients.add(
                                                        new DeviceAddress(
                                                                r.accountId(), d.deviceId()));
                                            }
                                        }
                                    }));
        }
        CompletableFuture.allOf(expanded.toArray(new CompletableFuture<?>[0]))
                .whenCompleteAsync(
                        (done, error) -> {
                            if (error != null) {
                                storeFailed(x, error);
                                return;
                            }
                            List<DeviceAddress> unique = new ArrayList<>();
                            synchronized (recipients) {
                                for (DeviceAddress d : recipients) {
                                    if (!d.equals(x.device) && !unique.contains(d)) {
                                        unique.add(d);
                                    }
                                }
                            }
                            create(x, create.size(), now, expiresAt, unique);
                        },
                        ctx.executor());
    }

    private void create(
            Exchange x, long size, long now, long expiresAt, List<DeviceAddress> recipients) {
        BlobRecord blob =
                new BlobRecord(service.newId(), x.device, size, 0, now, expiresAt, recipients);
        service.blobs()
                .create(blob, service.limits().quotaBytes())
                .whenCompleteAsync(
                        (created, error) -> {
                            if (error == null) {
                                LOG.log(
                                        Level.DEBUG,
                                        "blob of " + blob.size() + " bytes created by " + x.device);
                                answerJson(x, HttpResponseStatus.CREATED, status(created));
                            } else if (Failures.unwrap(error) instanceof BlobQuotaException q) {
                                fail(
                                        x,
                                        HttpResponseStatus.INSUFFICIENT_STORAGE,
                                        ErrorCode.QUOTA_EXCEEDED,
                                        q.getMessage()
                                                + "; wait until recipients fetched earlier files,"
                                                + " or delete them");
                            } else {
                                storeFailed(x, error);
                            }
                        },
                        ctx.executor());
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- upload ----

    private void upload(Exchange x, boolean owner) {
        if (!owner) {
            fail(
                    x,
                    HttpResponseStatus.FORBIDDEN,
                    ErrorCode.INVALID_REQUEST,
                    "only the uploader may write a blob");
            return;
        }
        long offset;
        try {
            List<String> values =
                    new QueryStringDecoder(x.request.uri()).parameters().get("offset");
            offset = values == null || values.size() != 1 ? -1 : Long.parseLong(values.get(0));
        } catch (NumberFormatException e) {
            offset = -1;
        }
        if (offset < 0) {
            fail(
                    x,
                    HttpResponseStatus.BAD_REQUEST,
                    ErrorCode.INVALID_REQUEST,
                    "a chunk needs ?offset=N");
            return;
        }
        BlobRecord blob = x.blob;
        if (offset != blob.offset() || !service.uploading().add(blob.id())) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", ErrorCode.OFFSET_MISMATCH);
            body.put(
                    "message",
                    offset != blob.offset()
                            ? "the blob's committed offset is " + blob.offset()
                            : "another upload of this blob is in progress");
            body.put("offset", blob.offset());
            answerAndClose(x, json(HttpResponseStatus.CONFLICT, body));
            return;
        }
        if (offset + x.contentLength > blob.size()) {
            service.uploading().remove(blob.id());
            fail(
                    x,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    ErrorCode.BLOB_TOO_LARGE,
                    "the chunk ends past the blob's size, " + blob.size());
            return;
        }
        x.expectedOffset = offset;
        long from = offset;
        CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return service.blobs().append(blob, from);
                            } catch (IOException e) {
                                throw new CompletionException(e);
                            }
                        },
                        service.io())
                .whenCompleteAsync(
                        (sink, error) -> {
                            if (error != null) {
                                service.uploading().remove(blob.id());
                                storeFailed(x, error);
                                return;
                            }
                            if (x != current || !ctx.channel().isActive()) {
                                closeQuietly(sink);
                                service.uploading().remove(blob.id());
                                return;
                            }
                            x.sink = sink;
                            x.ready = true;
                            busy = false;
                            List<HttpContent> early = new ArrayList<>(x.early);
                            x.early.clear();
                            for (HttpContent c : early) {
                                write(x, c);
                            }
                            drain();
                        },
                        ctx.executor());
    }

    private void write(Exchange x, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        ByteBuf bytes = content.content();
        int n = bytes.readableBytes();
        x.received += n;
        if (x.received > x.contentLength) {
            content.release();
            x.writeFailure = new IOException("the body is longer than its Content-Length");
        } else if (n > 0) {
            x.inFlight += n;
            BlobStore.Sink sink = x.sink;
            x.writes =
                    x.writes.thenRunAsync(
                            () -> {
                                try {
                                    sink.write(bytes);
                                } catch (IOException e) {
                                    throw new CompletionException(e);
                                } finally {
                                    content.release();
                                }
                            },
                            service.io());
            x.writes.whenCompleteAsync(
                    (done, error) -> {
                        x.inFlight -= n;
                        if (error != null && x.writeFailure == null) {
                            x.writeFailure = error;
                        }
                        if (!busy && x == current) {
                            drain();
                        }
                    },
                    ctx.executor());
            if (x.inFlight > PAUSE_AT) {
                pauseReads();
            }
        } else {
            content.release();
        }
        if (last) {
            commit(x);
        }
    }

    private void commit(Exchange x) {
        busy = true;
        pauseReads();
        BlobStore.Sink sink = x.sink;
        x.writes
                .thenComposeAsync(
                        done -> {
                            if (x.writeFailure != null) {
                                throw new CompletionException(x.writeFailure);
                            }
                            if (x.received != x.contentLength) {
                                throw new CompletionException(
                                        new IOException("the chunk was cut short"));
                            }
                            try {
                                return sink.commit();
                            } catch (IOException e) {
                                throw new CompletionException(e);
                            }
                        },
                        service.io())
                .whenCompleteAsync(
                        (blob, error) -> {
                            closeQuietly(sink);
                            x.sink = null;
                            service.uploading().remove(x.blob.id());
                            if (error != null) {
                                storeFailed(x, error);
                            } else {
                                answerJson(x, HttpResponseStatus.OK, status(blob));
                            }
                        },
                        ctx.executor());
    }

    // ---- download ----

    private void download(Exchange x) {
        BlobRecord blob = x.blob;
        if (!blob.complete()) {
            fail(
                    x,
                    HttpResponseStatus.CONFLICT,
                    ErrorCode.BLOB_INCOMPLETE,
                    "the blob is not fully uploaded yet ("
                            + blob.offset()
                            + " of "
                            + blob.size()
                            + " bytes)");
            return;
        }
        long[] range = range(x.request.headers().get(HttpHeaderNames.RANGE), blob.size());
        if (range == null) {
            DefaultFullHttpResponse r =
                    new DefaultFullHttpResponse(
                            HttpVersion.HTTP_1_1,
                            HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
            r.headers()
                    .set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + blob.size())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            answer(x, r);
            return;
        }
        long from = range[0];
        long to = range[1];
        boolean partial = x.request.headers().contains(HttpHeaderNames.RANGE);
        HttpResponse head =
                new DefaultHttpResponse(
                        HttpVersion.HTTP_1_1,
                        partial ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
                .set(Blobs.TIME_HEADER, Long.toString(service.clock().millis()))
                .set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(to - from + 1));
        if (partial) {
            head.headers()
                    .set(
                            HttpHeaderNames.CONTENT_RANGE,
                            "bytes " + from + "-" + to + "/" + blob.size());
        }
        if (!x.keepAlive) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        x.answered = true;
        x.ready = false;
        ctx.writeAndFlush(head);
        busy = false; // the request's end may come; the next request waits for the stream
        drain();
        CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return service.blobs().read(blob, from);
                            } catch (IOException e) {
                                throw new CompletionException(e);
                            }
                        },
                        service.io())
                .whenCompleteAsync(
                        (source, error) -> {
                            if (error != null) {
                                LOG.log(
                                        Level.WARNING,
                                        "reading a blob failed: " + Failures.unwrap(error));
                                ctx.close();
                                return;
                            }
                            pump(x, source, to - from + 1);
                        },
                        ctx.executor());
    }

    /** Sends {@code left} more bytes of {@code source}, a chunk at a time, as the client reads. */
    private void pump(Exchange x, BlobStore.Source source, long left) {
        if (!ctx.channel().isActive()) {
            closeQuietly(source);
            return;
        }
        if (left == 0) {
            closeQuietly(source);
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                    .addListener(
                            f -> {
                                if (!x.keepAlive) {
                                    ctx.close();
                                } else {
                                    x.ready = true;
                                    if (x.lastSeen) {
                                        finished(x);
                                    }
                                }
                            });
            return;
        }
        int size = (int) Math.min(DOWNLOAD_CHUNK, left);
        CompletableFuture.supplyAsync(
                        () -> {
                            ByteBuf buf = ctx.alloc().buffer(size);
                            try {
                                while (buf.writableBytes() > 0) {
                                    if (source.read(buf) < 0) {
                                        throw new IOException("the blob ended early");
                                    }
                                }
                                return buf;
                            } catch (IOException | RuntimeException e) {
                                buf.release();
                                throw new CompletionException(e);
                            }
                        },
                        service.io())
                .whenCompleteAsync(
                        (buf, error) -> {
                            if (error != null) {
                                LOG.log(
                                        Level.WARNING,
                                        "reading a blob failed: " + Failures.unwrap(error));
                                closeQuietly(source);
                                ctx.close();
                                return;
                            }
                            if (!ctx.channel().isActive()) {
                                buf.release();
                                closeQuietly(source);
                                return;
                            }
                            long rest = left - size;
                            var written = ctx.writeAndFlush(new DefaultHttpContent(buf));
                            if (ctx.channel().isWritable()) {
                                pump(x, source, rest);
                            } else {
                                written.addListener(f -> pump(x, source, rest));
                            }
                        },
                        ctx.executor());
    }

    /**
     * The inclusive byte range a {@code Range} header asks for (the whole blob without one), or
     * null if it cannot be satisfied. Only one range of the form {@code bytes=N-}, {@code
     * bytes=N-M} or {@code bytes=-K} is served.
     */
    static long[] range(String header, long size) {
        if (header == null) {
            return new long[] {0, size - 1};
        }
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
            return null;
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long from;
            long to;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    return null;
                }
                from = Math.max(0, size - suffix);
                to = size - 1;
            } else {
                from = Long.parseLong(a);
                to = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            }
            if (from < 0 || from >= size || to < from) {
                return null;
            }
            return new long[] {from, to};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- delete ----

    private void delete(Exchange x, boolean owner) {
        CompletableFuture<Boolean> done =
                owner ? service.blobs().delete(x.id) : service.blobs().release(x.id, x.device);
        done.whenCompleteAsync(
                (deleted, error) -> {
                    if (error != null) {
                        storeFailed(x, error);
                    } else {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("deleted", deleted);
                        answerJson(x, HttpResponseStatus.OK, body);
                    }
                },
                ctx.executor());
    }

    // ---- answers ----

    private void storeFailed(Exchange x, Throwable error) {
        Throwable cause = Failures.unwrap(error);
        if (Failures.isShutdown(error)) {
            fail(
                    x,
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    ErrorCode.SHUTTING_DOWN,
                    "the relay is shutting down");
        } else if (Failures.isUnavailable(error)) {
            fail(
                    x,
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    ErrorCode.UNAVAILABLE,
                    Failures.UNAVAILABLE_MESSAGE);
        } else if (cause instanceof IOException) {
            LOG.log(Level.WARNING, "a blob request failed: " + cause.getMessage());
            fail(
                    x,
                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    ErrorCode.INTERNAL_ERROR,
                    "the relay could not store the chunk; send it again from the committed offset");
        } else {
            LOG.log(Level.ERROR, "a blob request failed", cause);
            fail(
                    x,
                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    ErrorCode.INTERNAL_ERROR,
                    "the relay could not complete the request");
        }
    }

    private void fail(Exchange x, HttpResponseStatus status, ErrorCode code, String message) {
        answerAndClose(x, json(status, new Registration.HttpError(code, message)));
    }

    private FullHttpResponse json(HttpResponseStatus status, Object body) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        status,
                        Unpooled.wrappedBuffer(codec.encodeJson(body)));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private void answerJson(Exchange x, HttpResponseStatus status, Object body) {
        answer(x, json(status, body));
    }

    /**
     * An error: unless the request's body was read in full, the connection is closed after the
     * answer, so that the rest of a large body is never read.
     */
    private void answerAndClose(Exchange x, FullHttpResponse response) {
        boolean bodyRead = x.lastSeen || x.contentLength <= 0;
        if (!bodyRead || !x.keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            response.headers().set(Blobs.TIME_HEADER, Long.toString(service.clock().millis()));
            x.answered = true;
            release(x);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            current = null;
            busy = true; // nothing more is read on this connection
            return;
        }
        answer(x, response);
    }

    private void answer(Exchange x, FullHttpResponse response) {
        response.headers().set(Blobs.TIME_HEADER, Long.toString(service.clock().millis()));
        x.answered = true;
        x.ready = true;
        if (!x.keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            release(x);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            current = null;
            busy = true;
            return;
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(response);
        if (x.lastSeen) {
            finished(x);
        } else {
            busy = false; // the rest of the request (its end) is still to come
            drain();
        }
    }

    /** The exchange is answered and its request read in full: the next request may come. */
    private void finished(Exchange x) {
        if (current == x) {
            current = null;
        }
        busy = false;
        drain();
    }

    private void release(Exchange x) {
        for (HttpContent c : x.early) {
            ReferenceCountUtil.release(c);
        }
        x.early.clear();
        if (x.createBody != null) {
            x.createBody.release();
            x.createBody = null;
        }
        if (x.sink != null) {
            closeQuietly(x.sink);
            x.sink = null;
            service.uploading().remove(x.blob.id());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            Exchange x = current;
            current = null;
            BlobStore.Sink sink = x.sink;
            x.sink = null;
            if (sink != null) {
                // after the writes queued so far: the chunk is not committed
                x.writes.whenCompleteAsync(
                        (done, error) -> {
                            closeQuietly(sink);
                            service.uploading().remove(x.blob.id());
                        },
                        service.io());
            }
            release(x);
        }
        for (Object msg : inbox) {
            ReferenceCountUtil.release(msg);
        }
        inbox.clear();
        super.channelInactive(ctx);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do: the bytes were synced already, or are rewritten by the next upload
        }
    }
}
