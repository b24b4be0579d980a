package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.contract.DeviceTopic;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForeignMessagesTest {

    @Test
    void everyFilterThatCouldHaveBroughtARepliesTopicIsUnsubscribed() {
        List<String> filters = ForeignMessages.filtersMatching("fsc/v1/devices/DEV-1/replies");
        assertTrue(filters.contains("fsc/v1/devices/DEV-1/replies"));
        assertTrue(filters.contains("fsc/v1/devices/+/replies"));
        assertTrue(filters.contains("fsc/v1/devices/#"));
        assertTrue(filters.contains("fsc/#"));
        assertTrue(filters.contains("#"));
        assertTrue(filters.contains("+/+/+/+/+"));
        assertTrue(filters.contains("fsc/v1/devices/DEV-1/replies/#"));
        assertEquals(95, filters.size(), "32 exact-length filters and 63 ending in #");
        assertEquals(filters.size(), filters.stream().distinct().count());
    }

    @Test
    void noneOfTheGatewaysOwnFiltersIsAmongThem() {
        List<String> filters = ForeignMessages.filtersMatching("fsc/v1/devices/DEV-1/replies");
        for (DeviceTopic.Kind kind : DeviceTopic.Kind.values()) {
            assertFalse(filters.contains(DeviceTopic.subscription(kind)), kind.name());
        }
    }

    @Test
    void unsubscribesOncePerTopicAWhileButCountsEveryMessage() {
        ForeignMessages foreign = new ForeignMessages("gw");
        assertFalse(foreign.arrived("fsc/v1/devices/DEV-1/replies").isEmpty());
        assertTrue(foreign.arrived("fsc/v1/devices/DEV-1/replies").isEmpty());
        assertFalse(foreign.arrived("fsc/v1/devices/DEV-2/replies").isEmpty());
        assertEquals(3, foreign.count());
    }

    @Test
    void onlyWhatDevicesSendIsSubscribed() {
        assertTrue(DeviceTopic.isSubscribed("fsc/v1/devices/DEV-1/readings"));
        assertTrue(DeviceTopic.isSubscribed("fsc/v1/devices/x/status"));
        assertFalse(DeviceTopic.isSubscribed("fsc/v1/devices/DEV-1/replies"));
        assertFalse(DeviceTopic.isSubscribed("fsc/v1/devices/DEV-1/readings/extra"));
        assertFalse(DeviceTopic.isSubscribed("$SYS/broker/publish/messages/dropped"));
        assertFalse(DeviceTopic.isSubscribed(null));
    }
}
