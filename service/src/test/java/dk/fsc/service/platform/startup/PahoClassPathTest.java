package dk.fsc.service.platform.startup;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.eclipse.paho.mqttv5.common.packet.util.CountingInputStream;
import org.junit.jupiter.api.Test;

/**
 * The service's class path (the run command's jar, the images) puts the gateway's
 * {@link CountingInputStream} before Paho's own, which reads a byte per call
 * (docs/decisions/0015-paho-packets-read-in-bulk.md): a dependency declared before the gateway
 * that brings Paho along would undo that silently, but for this test.
 */
class PahoClassPathTest {

    @Test
    void pahoDecodesWithTheGatewaysBulkReads() {
        assertDoesNotThrow(() -> CountingInputStream.class.getDeclaredMethod("read", byte[].class, int.class, int.class),
                () -> "Paho's own CountingInputStream came first: " + CountingInputStream.class.getProtectionDomain().getCodeSource());
    }
}
