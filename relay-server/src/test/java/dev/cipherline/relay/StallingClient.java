package dev.cipherline.relay;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolVersion;
import dev.cipherline.protocol.SignedPayloads;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client over a plain socket with a tiny receive buffer that authenticates and then
 * never reads again: the hostile "slow reader" whose backlog must not grow the relay's memory.
 */
final class StallingClient implements AutoCloseable {
    private final FrameCodec codec = new FrameCodec();
    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;

    StallingClient(InetSocketAddress relay) throws IOException {
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(10_000);
        socket.connect(relay, 10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        out.write(
                ("GET /v1/websocket HTTP/1.1\r\nHost: "
                                + relay.getHostString()
                                + ":"
                                + relay.getPort()
                                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                + "Sec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        String headers = readHeaders();
        if (!headers.startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + headers);
        }
    }

    /** Authenticates as {@code device} and reads up to {@code auth-ok}, then reads no more. */
    void authenticate(Vectors.Vector device) throws Exception {
        Frame.Challenge challenge = (Frame.Challenge) codec.decodeBinary(readFrame());
        byte[] payload =
                SignedPayloads.auth(challenge.nonce(), device.accountId(), device.deviceId());
        writeFrame(
                codec.encodeBinary(
                        new Frame.Auth(
                                ProtocolVersion.CURRENT,
                                device.accountId(),
                                device.deviceId(),
                                device.signAuth(payload))));
        if (!(codec.decodeBinary(readFrame()) instanceof Frame.AuthOk)) {
            throw new IOException("not authenticated");
        }
    }

    private String readHeaders() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        while (!buffer.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            buffer.write(in.readUnsignedByte());
        }
        return buffer.toString(StandardCharsets.US_ASCII);
    }

    private byte[] readFrame() throws IOException {
        in.readUnsignedByte(); // FIN + opcode: the relay sends unfragmented binary frames
        int length = in.readUnsignedByte() & 0x7f;
        long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
        byte[] payload = new byte[(int) size];
        in.readFully(payload);
        return payload;
    }

    /** One binary frame, masked with the all-zero key (legal, and the payload stays as is). */
    private void writeFrame(byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x82);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        frame.write(new byte[4]);
        frame.write(payload);
        out.write(frame.toByteArray());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
