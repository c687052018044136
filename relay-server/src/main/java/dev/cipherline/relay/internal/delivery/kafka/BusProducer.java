package dev.cipherline.relay.internal.delivery.kafka;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends bus records to the topic from a thread of its own, so that {@link #offer} never blocks its
 * caller (an event loop, a store thread): a Kafka producer can block for metadata or buffer space
 * while the broker is away. A record that finds the queue full, or that Kafka refuses or loses, is
 * dropped and counted; the store still holds what it announced.
 *
 * <p>Each record's key is its device ({@code account.device}), so that the records of one device
 * stay in order on one partition.
 */
final class BusProducer implements Callback, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BusProducer.class.getName());

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final BusCodec codec;
    private final BlockingQueue<BusRecord> queue;
    private final Thread thread;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    /**
     * Starts the sending thread.
     *
     * @param capacity the most records waiting for the producer
     */
    BusProducer(Producer<byte[], byte[]> producer, String topic, BusCodec codec, int capacity) {
        this.producer = producer;
        this.topic = topic;
        this.codec = codec;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "kafka-bus-producer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a record for sending; drops it if the queue is full or the producer closed. */
    void offer(BusRecord record) {
        if (!closed && queue.offer(record)) {
            produced.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    /** How many records were queued for Kafka (some of which may be dropped later). */
    long produced() {
        return produced.get();
    }

    /** How many records were dropped: queue full, refused or lost by Kafka. */
    long dropped() {
        return dropped.get();
    }

    private void run() {
        while (!closed) {
            BusRecord record;
            try {
                record = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (record != null) {
                send(record);
            }
        }
    }

    private void send(BusRecord record) {
        try {
            byte[] key = record.device().toString().getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, key, codec.encode(record)), this);
        } catch (RuntimeException e) {
            // buffer full for max.block.ms, record too large, producer closed
            drop(e);
        }
    }

    /** Kafka's answer to one send, on the producer's I/O thread. */
    @Override
    public void onCompletion(RecordMetadata metadata, Exception error) {
        if (error != null) {
            drop(error);
        }
    }

    private void drop(Exception error) {
        // one line for the first drop; the broker watch logs the outage itself
        if (dropped.getAndIncrement() == 0) {
            LOG.log(Level.WARNING, "dropped a bus record (the store keeps it): " + error);
        }
    }

    /** Stops sending: what is queued is dropped, what Kafka holds gets a second to go out. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(1));
    }
}
