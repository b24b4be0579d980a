package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPubAck;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.eclipse.paho.mqttv5.common.packet.util.CountingInputStream;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@link CountingInputStream} is the one Paho uses here, reads in bulk, counts as
 * Paho's did, and Paho decodes with it what it encodes: small readings, properties, a photo.
 */
class PahoBulkReadsTest {

    @Test
    void theGatewaysClassIsTheOneInEffect() {
        assertTrue(PahoBulkReads.inEffect(), "Paho's own CountingInputStream came first on the class path: "
                + CountingInputStream.class.getProtectionDomain().getCodeSource());
    }

    @Test
    void readsManyBytesAtOnceAndCountsThem() throws Exception {
        byte[] bytes = new byte[300];
        new Random(7).nextBytes(bytes);
        // A stream that refuses reads of one byte: Paho's class read nothing else.
        InputStream bulkOnly = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read() {
                throw new AssertionError("read a byte at a time");
            }
        };
        CountingInputStream counting = new CountingInputStream(bulkOnly);
        byte[] read = new byte[300];
        new DataInputStream(counting).readFully(read);
        assertArrayEquals(bytes, read);
        assertEquals(300, counting.getCounter());
        assertEquals(-1, counting.read(new byte[1], 0, 1), "at the end");
        assertEquals(300, counting.getCounter(), "the end counts nothing");
        counting.resetCounter();
        assertEquals(0, counting.getCounter());
    }

    @Test
    void countsSingleBytesAsBefore() throws Exception {
        CountingInputStream counting = new CountingInputStream(new ByteArrayInputStream(new byte[] {1, 2}));
        assertEquals(1, counting.read());
        assertEquals(2, counting.read());
        assertEquals(-1, counting.read());
        assertEquals(2, counting.getCounter());
    }

    @Test
    void pahoDecodesWhatItEncodes() throws Exception {
        String reading = "{\"messageId\":\"m-1\",\"measuredAt\":\"2026-12-05T11:35:26Z\",\"observations\":[{\"type\":\"spo2\",\"value\":97}]}";
        byte[] photo = new byte[3 * 1024 * 1024 + 5];
        new Random(11).nextBytes(photo);
        for (byte[] payload : List.of(reading.getBytes(StandardCharsets.UTF_8), photo, new byte[0])) {
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            MqttProperties properties = new MqttProperties();
            properties.setContentType("application/json");
            properties.setUserProperties(List.of(new UserProperty("kit", "oximeter")));
            properties.setMessageExpiryInterval(600L);
            MqttPublish sent = new MqttPublish("fsc/v1/devices/OX-ÆØÅ-17/readings", message, properties);
            sent.setMessageId(4711);

            MqttWireMessage decoded = MqttWireMessage.createWireMessage(packet(sent));

            MqttPublish received = assertInstanceOf(MqttPublish.class, decoded);
            assertEquals("fsc/v1/devices/OX-ÆØÅ-17/readings", received.getTopicName());
            assertEquals(4711, received.getMessageId());
            assertEquals(1, received.getMessage().getQos());
            assertArrayEquals(payload, received.getMessage().getPayload());
            assertEquals("application/json", received.getProperties().getContentType());
            assertEquals(List.of(new UserProperty("kit", "oximeter")), received.getProperties().getUserProperties());
            assertEquals(600L, received.getProperties().getMessageExpiryInterval());
        }
        MqttPubAck ack = new MqttPubAck(0x10, 4711, new MqttProperties());
        MqttPubAck ackDecoded = assertInstanceOf(MqttPubAck.class, MqttWireMessage.createWireMessage(packet(ack)));
        assertEquals(4711, ackDecoded.getMessageId());
        assertEquals(0x10, ackDecoded.getReturnCode());
    }

    private static byte[] packet(MqttWireMessage message) throws Exception {
        byte[] header = message.getHeader();
        byte[] payload = message.getPayload();
        byte[] packet = new byte[header.length + payload.length];
        System.arraycopy(header, 0, packet, 0, header.length);
        System.arraycopy(payload, 0, packet, header.length, payload.length);
        return packet;
    }
}
