package dk.fsc.gateway.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DeviceTopicTest {
    @Test
    void readsTheDeviceIdAndKindFromAReadingsTopic() throws RejectedMessage {
        DeviceTopic topic = DeviceTopic.parse("fsc/v1/devices/DEMO-OX-AAR-1/readings");
        assertEquals("DEMO-OX-AAR-1", topic.deviceId());
        assertEquals(DeviceTopic.Kind.readings, topic.kind());
    }

    @Test
    void rejectsUnknownKindsAndMalformedIds() {
        assertEquals(RejectionCode.BAD_TOPIC,
                assertThrows(RejectedMessage.class, () -> DeviceTopic.parse("fsc/v1/devices/DEMO-1/firmware")).code());
        assertThrows(RejectedMessage.class, () -> DeviceTopic.parse("fsc/v1/devices/a b/readings"));
        assertThrows(RejectedMessage.class, () -> DeviceTopic.parse("fsc/v1/devices/DEMO-1/readings/extra"));
    }

    @Test
    void findsADeviceIdToReplyToEvenOnABadTopic() {
        assertEquals("DEMO-1", DeviceTopic.deviceIdOf("fsc/v1/devices/DEMO-1/firmware"));
        assertNull(DeviceTopic.deviceIdOf("other/topic"));
    }
}
