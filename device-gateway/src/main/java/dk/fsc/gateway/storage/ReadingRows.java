package dk.fsc.gateway.storage;

import dk.fsc.gateway.contract.Observation;
import dk.fsc.gateway.contract.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one statement that stores observations in {@code readings}: a device's readings (the
 * gateway, a batch at a time) and what staff enter by hand (the service). Collect the rows with
 * {@link #addDeviceReading} or {@link #addStaffEntry}, then run {@link #INSERT} with
 * {@link #parameters}: one statement however many observations. The type's unit and codes are
 * not stored: they follow from the type (V33); nor is a device's origin: {@code origin} is
 * {@code staff} on staff entries and NULL on what a device sent (V36). A device's reading names its
 * device by number ({@code device_number}, its {@code device_id} NULL), a staff entry by the id
 * {@value #STAFF_DEVICE} (V37).
 */
public final class ReadingRows {
    /** The device id of staff-entered readings (their message ids are {@code staff-<uuid>}). */
    public static final String STAFF_DEVICE = "staff";

    public static final String INSERT = """
            INSERT INTO readings (device_id, device_number, message_id, seq, measured_at, patient_id, type, value, site,
                                  source_device, origin, entered_by)
            SELECT d, dn, m, q::smallint, t::timestamptz, p, ty, v, si, src::jsonb, o, e
              FROM unnest(?::text[], ?::int[], ?::text[], ?::int[], ?::text[], ?::uuid[], ?::text[], ?::float8[], ?::text[],
                          ?::text[], ?::text[], ?::text[])
                   AS x(d, dn, m, q, t, p, ty, v, si, src, o, e)""";

    /** One of {@code deviceId} (staff) and {@code deviceNumber} (a device) is null. */
    private record Row(String deviceId, Integer deviceNumber, String messageId, int seq, Reading reading, UUID patient,
                       Observation observation, String origin, String enteredBy) {
    }

    private final List<Row> rows = new ArrayList<>();

    /**
     * The reading's observations as a device sent them (with the source device it names, if any);
     * {@code deviceNumber} is the device's {@code devices.device_number}.
     */
    public void addDeviceReading(int deviceNumber, Reading reading, UUID patient) {
        add(null, deviceNumber, reading, patient, "device", null);
    }

    /** Observations a member of staff entered for the patient; {@code reading.messageId()} is the entry's id. */
    public void addStaffEntry(Reading reading, UUID patient, String enteredBy) {
        add(STAFF_DEVICE, null, reading, patient, "staff", enteredBy);
    }

    private void add(String deviceId, Integer deviceNumber, Reading reading, UUID patient, String origin, String enteredBy) {
        int seq = 0;
        for (Observation o : reading.observations()) {
            rows.add(new Row(deviceId, deviceNumber, reading.messageId(), seq++, reading, patient, o, origin, enteredBy));
        }
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The parameters of {@link #INSERT} for the rows added, in order. */
    public <E extends Exception> Object[] parameters(SqlArrays<E> arrays) throws E {
        int n = rows.size();
        String[] devices = new String[n];
        Integer[] deviceNumbers = new Integer[n];
        String[] ids = new String[n];
        Integer[] seqs = new Integer[n];
        String[] times = new String[n];
        UUID[] patients = new UUID[n];
        String[] types = new String[n];
        Double[] values = new Double[n];
        String[] sites = new String[n];
        String[] sources = new String[n];
        String[] origins = new String[n];
        String[] enteredBy = new String[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            Observation o = r.observation();
            devices[i] = r.deviceId();
            deviceNumbers[i] = r.deviceNumber();
            ids[i] = r.messageId();
            seqs[i] = r.seq();
            times[i] = r.reading().measuredAt().toString();
            patients[i] = r.patient();
            types[i] = o.type().wireName();
            values[i] = o.value();
            sites[i] = o.site();
            sources[i] = r.origin().equals("staff") ? null : o.source(); // staff entries name no source device
            origins[i] = r.origin().equals("staff") ? "staff" : null; // a device's: NULL, no bytes (V36)
            enteredBy[i] = r.enteredBy();
        }
        return new Object[] {arrays.of("text", devices), arrays.of("int4", deviceNumbers), arrays.of("text", ids),
                arrays.of("int4", seqs), arrays.of("text", times), arrays.of("uuid", patients), arrays.of("text", types),
                arrays.of("float8", values), arrays.of("text", sites), arrays.of("text", sources), arrays.of("text", origins),
                arrays.of("text", enteredBy)};
    }
}
