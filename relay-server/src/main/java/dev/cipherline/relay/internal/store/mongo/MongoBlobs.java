package dev.cipherline.relay.internal.store.mongo;

import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import dev.cipherline.relay.internal.store.BlobQuotaException;
import dev.cipherline.relay.internal.store.BlobRecord;
import dev.cipherline.relay.internal.store.BlobStore;
import dev.cipherline.relay.internal.store.DeviceAddress;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * Blobs in MongoDB, without transactions (so that one code path serves mongo-java-server and real
 * MongoDB): a document per blob in {@code relay_blobs} and its bytes as documents of at most 255
 * KiB in {@code relay_blob_chunks} (GridFS needs no feature beyond these, but its files are written
 * whole; chunks written as they arrive let an upload resume at any committed offset). A chunk
 * upload first deletes pieces at or past the committed offset (left by an upload cut short), writes
 * its pieces (each an idempotent replace by {@code _id}), then moves the offset with a
 * compare-and-set. Deleting a blob deletes its document first, then its pieces; the sweep also
 * deletes pieces whose blob is gone. The quota check reads then inserts, so two uploads of one
 * device racing may pass it together.
 */
final class MongoBlobs implements BlobStore {
    static final int PIECE = 255 * 1024;

    private final MongoSchema schema;
    private final BiFunction<String, Supplier<?>, CompletableFuture<?>> writer;
    private final Function<Supplier<?>, CompletableFuture<?>> reader;

    MongoBlobs(
            MongoSchema schema,
            BiFunction<String, Supplier<?>, CompletableFuture<?>> writer,
            Function<Supplier<?>, CompletableFuture<?>> reader) {
        this.schema = schema;
        this.writer = writer;
        this.reader = reader;
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> write(String key, Supplier<T> op) {
        return (CompletableFuture<T>) writer.apply(key, op);
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> read(Supplier<T> op) {
        return (CompletableFuture<T>) reader.apply(op);
    }

    @Override
    public CompletableFuture<BlobRecord> create(BlobRecord blob, long quotaBytes) {
        String owner = blob.owner().toString();
        return write(
                owner,
                () -> {
                    long held = 0;
                    for (Document d : schema.blobs.find(Filters.eq("owner", owner))) {
                        held += d.getLong("size");
                    }
                    if (held + blob.size() > quotaBytes) {
                        throw new BlobQuotaException(held, quotaBytes);
                    }
                    List<String> recipients = new ArrayList<>();
                    for (DeviceAddress d : blob.recipients()) {
                        recipients.add(d.toString());
                    }
                    schema.blobs.insertOne(
                            new Document("_id", blob.id())
                                    .append("owner", owner)
                                    .append("size", blob.size())
                                    .append("offset", 0L)
                                    .append("createdAt", blob.createdAt())
                                    .append("expiresAt", blob.expiresAt())
                                    .append("recipients", recipients));
                    return blob.withOffset(0);
                });
    }

    @Override
    public CompletableFuture<Optional<BlobRecord>> find(String id) {
        return read(
                () ->
                        Optional.ofNullable(schema.blobs.find(Filters.eq("_id", id)).first())
                                .map(MongoBlobs::record));
    }

    private static BlobRecord record(Document d) {
        List<DeviceAddress> recipients = new ArrayList<>();
        for (String r : d.getList("recipients", String.class)) {
            recipients.add(address(r));
        }
        return new BlobRecord(
                d.getString("_id"),
                address(d.getString("owner")),
                d.getLong("size"),
                d.getLong("offset"),
                d.getLong("createdAt"),
                d.getLong("expiresAt"),
                recipients);
    }

    private static DeviceAddress address(String s) {
        int dot = s.lastIndexOf('.');
        return new DeviceAddress(s.substring(0, dot), Integer.parseInt(s.substring(dot + 1)));
    }

    @Override
    public Sink append(BlobRecord blob, long offset) {
        // pieces a cut-short upload left past the committed offset
        schema.blobChunks.deleteMany(
                Filters.and(Filters.eq("blob", blob.id()), Filters.gte("offset", offset)));
        return new Sink() {
            private final byte[] piece = new byte[PIECE];
            private int filled;
            private long pieceStart = offset;

            @Override
            public void write(ByteBuf bytes) {
                int index = bytes.readerIndex();
                int left = bytes.readableBytes();
                while (left > 0) {
                    int n = Math.min(left, PIECE - filled);
                    bytes.getBytes(index, piece, filled, n);
                    index += n;
                    left -= n;
                    filled += n;
                    if (filled == PIECE) {
                        flush();
                    }
                }
            }

            private void flush() {
                if (filled == 0) {
                    return;
                }
                byte[] data = java.util.Arrays.copyOf(piece, filled);
                schema.blobChunks.replaceOne(
                        Filters.eq("_id", blob.id() + ":" + pieceStart),
                        new Document("_id", blob.id() + ":" + pieceStart)
                                .append("blob", blob.id())
                                .append("offset", pieceStart)
                                .append("data", new Binary(data)),
                        new ReplaceOptions().upsert(true));
                pieceStart += filled;
                filled = 0;
            }

            @Override
            public CompletableFuture<BlobRecord> commit() {
                flush();
                long committed = pieceStart;
                return MongoBlobs.this.write(
                        blob.id(),
                        () -> {
                            long changed =
                                    schema.blobs
                                            .updateOne(
                                                    Filters.and(
                                                            Filters.eq("_id", blob.id()),
                                                            Filters.eq("offset", offset)),
                                                    Updates.set("offset", committed))
                                            .getModifiedCount();
                            if (changed != 1 && committed != offset) {
                                throw new IllegalStateException(
                                        "the blob was deleted or its offset moved");
                            }
                            return blob.withOffset(committed);
                        });
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public Source read(BlobRecord blob, long from) {
        MongoCursor<Document> pieces =
                schema.blobChunks
                        .find(
                                Filters.and(
                                        Filters.eq("blob", blob.id()),
                                        Filters.gt("offset", from - PIECE),
                                        Filters.lt("offset", blob.size())))
                        .sort(Sorts.ascending("offset"))
                        .iterator();
        return new Source() {
            private long position = from;
            private byte[] current;
            private long currentStart;

            @Override
            public int read(ByteBuf dst) throws IOException {
                if (position >= blob.size()) {
                    return -1;
                }
                while (current == null || position >= currentStart + current.length) {
                    if (!pieces.hasNext()) {
                        throw new IOException("the blob's pieces end before its size");
                    }
                    Document d = pieces.next();
                    current = d.get("data", Binary.class).getData();
                    currentStart = d.getLong("offset");
                    if (currentStart > position) {
                        throw new IOException("the blob's pieces have a hole");
                    }
                }
                int at = (int) (position - currentStart);
                int n =
                        (int)
                                Math.min(
                                        Math.min(current.length - at, dst.writableBytes()),
                                        blob.size() - position);
                dst.writeBytes(current, at, n);
                position += n;
                return n;
            }

            @Override
            public void close() {
                pieces.close();
            }
        };
    }

    @Override
    public CompletableFuture<Boolean> release(String id, DeviceAddress recipient) {
        return write(
                id,
                () -> {
                    Document after =
                            schema.blobs.findOneAndUpdate(
                                    Filters.and(
                                            Filters.eq("_id", id),
                                            Filters.eq("recipients", recipient.toString())),
                                    Updates.pull("recipients", recipient.toString()),
                                    new com.mongodb.client.model.FindOneAndUpdateOptions()
                                            .returnDocument(
                                                    com.mongodb.client.model.ReturnDocument.AFTER));
                    if (after == null || !after.getList("recipients", String.class).isEmpty()) {
                        return false;
                    }
                    return deleteNow(id);
                });
    }

    @Override
    public CompletableFuture<Boolean> delete(String id) {
        return write(id, () -> deleteNow(id));
    }

    private boolean deleteNow(String id) {
        boolean existed = schema.blobs.deleteOne(Filters.eq("_id", id)).getDeletedCount() == 1;
        schema.blobChunks.deleteMany(Filters.eq("blob", id));
        return existed;
    }

    @Override
    public CompletableFuture<Integer> sweep(long now) {
        return write(
                "blob-sweep",
                () -> {
                    List<String> expired = new ArrayList<>();
                    for (Document d : schema.blobs.find(Filters.lte("expiresAt", now))) {
                        expired.add(d.getString("_id"));
                    }
                    for (String id : expired) {
                        deleteNow(id);
                    }
                    return expired.size();
                });
    }
}
