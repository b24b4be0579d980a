package dk.fsc.gateway.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * Sockets for the gateway's MQTT connections whose input is buffered. Paho reads a packet's fixed
 * header a byte at a time ({@code DataInputStream.readByte} on the socket's own stream), so without
 * a buffer every message and every PUBACK costs three or four {@code read} system calls; with one,
 * a read takes whatever the broker has sent, up to {@value #BUFFER} bytes (docs/benchmarks.md,
 * "Buffered reads from the broker"). Paho's read timeout (the socket's {@code SO_TIMEOUT}, which it
 * sets after connecting) reaches the reads below the buffer unchanged: a read that times out
 * throws {@link java.net.SocketTimeoutException} and leaves no byte behind, as on the bare socket.
 */
final class BufferedSockets extends SocketFactory {
    /** Bytes read from the socket at most at once: a full receive window of small messages. */
    static final int BUFFER = 64 * 1024;
    private static final BufferedSockets INSTANCE = new BufferedSockets();

    private BufferedSockets() {
    }

    /** The one factory (it holds no state). */
    static BufferedSockets factory() {
        return INSTANCE;
    }

    /**
     * Sets the factory on plain TCP connections ({@code tcp://}); a TLS URL keeps Paho's own
     * (Paho refuses a factory that is not an {@code SSLSocketFactory} there).
     */
    static void use(MqttConnectionOptions options, String brokerUrl) {
        if (brokerUrl != null && brokerUrl.startsWith("tcp://")) {
            options.setSocketFactory(INSTANCE);
        }
    }

    @Override
    public Socket createSocket() {
        return new Buffered();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    /** A buffered socket connected to {@code remote}, from {@code local} when given. */
    private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket s = new Buffered();
        if (local != null) {
            s.bind(local);
        }
        s.connect(remote);
        return s;
    }

    /** A socket whose input stream is one buffered stream over the socket's own, made on first use. */
    private static final class Buffered extends Socket {
        private InputStream input;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new BufferedInputStream(super.getInputStream(), BUFFER);
            }
            return input;
        }
    }
}
