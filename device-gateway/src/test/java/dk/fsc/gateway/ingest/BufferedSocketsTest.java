package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The buffered socket under Paho keeps what Paho's reader relies on: bytes in order across small and
 * large reads, one stream for the socket's life, and a read timeout that throws and loses nothing.
 */
@Timeout(20)
class BufferedSocketsTest {

    @Test
    void readsKeepTheirOrderAndATimeoutLosesNothing() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = BufferedSockets.factory().createSocket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5_000);
            client.setSoTimeout(200); // as Paho sets it (1 s there)
            try (Socket broker = server.accept()) {
                OutputStream out = broker.getOutputStream();
                DataInputStream in = new DataInputStream(client.getInputStream());
                assertSame(client.getInputStream(), client.getInputStream(), "one buffer for the socket's life, or bytes read ahead are lost");

                out.write(new byte[] {0x30, 0x03, 'a', 'b', 'c', 0x40, 0x02});
                out.flush();
                assertEquals(0x30, in.readByte()); // a PUBLISH's fixed header, a byte at a time as Paho reads it
                assertEquals(3, in.readByte());
                byte[] body = new byte[3];
                in.readFully(body);
                assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), body);
                assertEquals(0x40, in.readByte()); // the next packet's header, already in the buffer
                assertEquals(2, in.readByte());

                assertThrows(SocketTimeoutException.class, in::readByte, "nothing sent: the read times out as on the bare socket");

                out.write(new byte[] {0, 7});
                out.flush();
                byte[] rest = new byte[2];
                in.readFully(rest);
                assertArrayEquals(new byte[] {0, 7}, rest, "after a timeout the stream goes on where it was");

                byte[] large = new byte[3 * BufferedSockets.BUFFER + 17]; // a photo larger than the buffer
                for (int i = 0; i < large.length; i++) {
                    large[i] = (byte) (i * 31);
                }
                Thread writer = new Thread(() -> {
                    try {
                        out.write(large);
                        out.flush();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                writer.start();
                byte[] read = new byte[large.length];
                in.readFully(read);
                writer.join();
                assertArrayEquals(large, read);
            }
        }
    }

    @Test
    void everyWayOfMakingASocketGivesABufferedConnectedOne() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 4, loopback)) {
            int port = server.getLocalPort();
            for (Socket made : new Socket[] {BufferedSockets.factory().createSocket(loopback, port),
                    BufferedSockets.factory().createSocket(loopback.getHostAddress(), port),
                    BufferedSockets.factory().createSocket(loopback, port, loopback, 0),
                    BufferedSockets.factory().createSocket(loopback.getHostAddress(), port, loopback, 0)}) {
                try (made; Socket accepted = server.accept()) {
                    accepted.getOutputStream().write(42);
                    accepted.getOutputStream().flush();
                    assertEquals(42, made.getInputStream().read());
                    assertSame(made.getInputStream(), made.getInputStream());
                    assertEquals(java.io.BufferedInputStream.class, made.getInputStream().getClass());
                }
            }
        }
    }

    @Test
    void onlyPlainTcpGetsTheFactory() {
        MqttConnectionOptions tcp = new MqttConnectionOptions();
        BufferedSockets.use(tcp, "tcp://127.0.0.1:1883");
        assertSame(BufferedSockets.factory(), tcp.getSocketFactory());
        MqttConnectionOptions tls = new MqttConnectionOptions();
        BufferedSockets.use(tls, "ssl://broker.example:8883");
        assertNull(tls.getSocketFactory(), "Paho refuses a plain factory for TLS; it keeps its own");
    }
}
