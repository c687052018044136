package dev.cipherline.bench.internal.relay;

import dev.cipherline.protocol.Frame;

/** Receives the frames of an authenticated connection, on that connection's event loop. */
@FunctionalInterface
public interface FrameListener {
    /** Called for each frame after {@code auth-ok}. */
    void onFrame(BenchConnection connection, Frame frame);

    /**
     * Called when the frames of one socket read have all been handed to {@link #onFrame}; the
     * default does nothing.
     */
    default void onReadComplete(BenchConnection connection) {}

    /** Called once when the connection closes; the default does nothing. */
    default void onClosed(BenchConnection connection) {}

    /** Ignores every frame: for idle connections. */
    FrameListener IGNORE = (connection, frame) -> {};
}
