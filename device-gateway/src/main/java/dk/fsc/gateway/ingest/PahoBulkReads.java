package dk.fsc.gateway.ingest;

import org.eclipse.paho.mqttv5.common.packet.util.CountingInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Paho decodes packets with the gateway's {@link CountingInputStream} (bulk reads,
 * decision 0015) or with its own (a byte per call: up to 15 µs of CPU more for each reading). It
 * depends on the class path's order, so the gateway says so at start when it is Paho's.
 */
final class PahoBulkReads {
    private static final Logger LOG = LoggerFactory.getLogger(PahoBulkReads.class);

    private PahoBulkReads() {
    }

    /** True when the class Paho uses reads many bytes at once. */
    static boolean inEffect() {
        try {
            CountingInputStream.class.getDeclaredMethod("read", byte[].class, int.class, int.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Warns when Paho's own class came first on the class path. */
    static void check() {
        if (!inEffect()) {
            LOG.warn("Paho decodes packets a byte at a time: its CountingInputStream ({}) comes before the gateway's on the "
                    + "class path, which costs up to 15 µs of CPU a message. Put the device-gateway jar before Paho's "
                    + "(docs/decisions/0015-paho-packets-read-in-bulk.md).",
                    CountingInputStream.class.getProtectionDomain().getCodeSource());
        }
    }
}
