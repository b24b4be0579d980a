package dk.fsc.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Acknowledgements leave in the order the messages arrived, whichever writer commits first. */
class ArrivalOrderTest {
    private final List<Integer> acknowledged = new ArrayList<>();
    private final ArrivalOrder order = new ArrivalOrder(ack -> acknowledged.add(ack.mqttId()));

    /** A message as MqttIngest numbers it: packet id {@code mqttId}, QoS 1, connection 0. */
    private Parsed arrived(int mqttId) {
        long number = order.number();
        Incoming m = new Incoming("fsc/v1/devices/DEV-" + mqttId + "/readings", new byte[0], mqttId, 1, 0, System.nanoTime(), number);
        return Parsed.of(m, "DEV-" + mqttId, null, List.of());
    }

    @Test
    void aLaterBatchCommittedFirstWaitsForTheEarlierOne() {
        Parsed m1 = arrived(11);
        Parsed m2 = arrived(12);
        Parsed m3 = arrived(13);
        Parsed m4 = arrived(14);
        order.settled(List.of(m2, m4), true); // the second writer's batch commits first
        assertEquals(List.of(), acknowledged, "nothing before message 1 is settled");
        assertEquals(2, order.heldBack());
        order.settled(List.of(m1, m3), true);
        assertEquals(List.of(11, 12, 13, 14), acknowledged);
        assertEquals(0, order.heldBack());
    }

    @Test
    void aBatchNotCommittedIsNotAcknowledgedAndDoesNotHoldBackTheOthers() {
        Parsed m1 = arrived(21);
        Parsed m2 = arrived(22);
        Parsed m3 = arrived(23);
        order.settled(List.of(m2), true);
        order.settled(List.of(m1), false); // its writer stopped, or the batch failed: the broker sends it again
        assertEquals(List.of(22), acknowledged);
        order.settled(List.of(m3), true);
        assertEquals(List.of(22, 23), acknowledged);
    }

    @Test
    void aNumberedMessageThatWasNeverQueuedDoesNotHoldBackTheOthers() {
        Parsed m1 = arrived(31);
        long lost = order.number(); // numbered, then its connection went while it waited for room
        Parsed m3 = arrived(33);
        order.settled(List.of(m1, m3), true);
        assertEquals(List.of(31), acknowledged);
        order.dropped(lost);
        assertEquals(List.of(31, 33), acknowledged);
        assertEquals(0, order.heldBack());
    }
}
