package dk.fsc.gateway.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.fsc.gateway.contract.Observation;
import dk.fsc.gateway.contract.ObservationType;
import dk.fsc.gateway.contract.Reading;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The statements the gateway and the service share: their parameters, and the urgency rule. */
class SharedStatementsTest {
    private static final Instant T = Instant.parse("2026-11-22T12:00:00Z");
    private static final SqlArrays<RuntimeException> ARRAYS = (type, values) -> values;

    @Test
    void deviceReadingsAndStaffEntriesGoThroughOneInsert() {
        UUID patient = UUID.randomUUID();
        ReadingRows rows = new ReadingRows();
        rows.addDeviceReading(7, new Reading("m-1", T, List.of(
                new Observation(ObservationType.SPO2, 94, null, "{\"serial\":\"x\"}"),
                new Observation(ObservationType.PULSE, 80, null, null))), patient);
        rows.addStaffEntry(new Reading("staff-1", T, List.of(new Observation(ObservationType.TEMPERATURE, 38.5, "oral", "ignored"))),
                patient, "nurse1");
        Object[] p = rows.parameters(ARRAYS);
        assertEquals(12, p.length);
        assertEquals(12, ReadingRows.INSERT.chars().filter(c -> c == '?').count());
        assertArrayEquals(new Object[] {null, null, "staff"}, (Object[]) p[0], "a device is named by number, staff by id (V37)");
        assertArrayEquals(new Object[] {7, 7, null}, (Object[]) p[1]);
        assertArrayEquals(new Object[] {0, 1, 0}, (Object[]) p[3]);
        assertArrayEquals(new Object[] {"spo2", "pulse", "temperature"}, (Object[]) p[6]);
        assertArrayEquals(new Object[] {null, null, "oral"}, (Object[]) p[8]);
        assertArrayEquals(new Object[] {"{\"serial\":\"x\"}", null, null}, (Object[]) p[9], "staff entries name no source device");
        assertArrayEquals(new Object[] {null, null, "staff"}, (Object[]) p[10], "a device's origin is NULL (V36)");
        assertArrayEquals(new Object[] {null, null, "nurse1"}, (Object[]) p[11]);
    }

    @Test
    void aNewReadingIsUrgentWhenAValueIsAtARedLimitAndStaysUrgentInTheBatch() {
        UUID red = new UUID(0, 2);
        UUID green = new UUID(0, 1);
        EvaluationRequestRows rows = new EvaluationRequestRows();
        rows.newReading(red, reading(ObservationType.PULSE, 130));
        rows.newReading(red, reading(ObservationType.PULSE, 72));
        rows.newReading(green, reading(ObservationType.SPO2, 92));
        Object[] p = rows.parameters(ARRAYS);
        assertArrayEquals(new Object[] {green, red}, (Object[]) p[0], "in lock order");
        assertArrayEquals(new Object[] {false, true}, (Object[]) p[1]);
        assertEquals(2, EvaluationRequestRows.UPSERT.chars().filter(c -> c == '?').count());
    }

    @Test
    void aCallerThatFoundARedValueAsksUrgently() {
        EvaluationRequestRows rows = new EvaluationRequestRows();
        UUID patient = UUID.randomUUID();
        rows.add(patient, true);
        rows.add(patient, false);
        assertArrayEquals(new Object[] {true}, (Object[]) rows.parameters(ARRAYS)[1]);
        assertTrue(!rows.isEmpty());
    }

    private static Reading reading(ObservationType type, double value) {
        return new Reading("m", T, List.of(new Observation(type, value, null, null)));
    }
}
