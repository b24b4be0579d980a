package dk.fsc.gateway.storage;

import dk.fsc.gateway.contract.Reading;
import dk.fsc.gateway.contract.RedLimits;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The one statement that asks for patients to be evaluated again, with the one urgency rule: a
 * patient is urgent when a value just stored or just put under new limits is red. Used by the
 * gateway for a batch's readings and by the service for staff entries and threshold changes.
 * <p>
 * In patient order, so two writers upserting the same patients cannot deadlock (the evaluation
 * deletes done requests in that order too). An existing request gets a new version: a worker
 * evaluating the patient right now (it may have read the data before this commit) then leaves
 * the request for another evaluation. An urgent request is marked urgent as of its version
 * ({@code urgent_version}): urgent requests are claimed first; a later request that is not urgent
 * leaves the mark as it is. An urgent request also ends a pause the patient was set aside for
 * after a failed evaluation ({@code not_before}): a red value is evaluated at once, not after the
 * pause (up to 30 minutes).
 */
public final class EvaluationRequestRows {
    public static final String UPSERT = """
            INSERT INTO evaluation_requests (patient_id, urgent_version)
            SELECT patient, CASE WHEN urgent THEN 0 END FROM unnest(?::uuid[], ?::boolean[]) AS t(patient, urgent)
            ON CONFLICT (patient_id) DO UPDATE SET updated_at = clock_timestamp(), version = evaluation_requests.version + 1,
                urgent_version = CASE WHEN excluded.urgent_version IS NOT NULL THEN evaluation_requests.version + 1
                                      ELSE evaluation_requests.urgent_version END,
                not_before = CASE WHEN excluded.urgent_version IS NOT NULL THEN '-infinity' ELSE evaluation_requests.not_before END""";

    /** Patient to urgent, in lock order. */
    private final TreeMap<UUID, Boolean> patients = new TreeMap<>();

    /**
     * A new reading of the patient: urgent when a value is at a {@link RedLimits red limit} (the
     * programme's defaults, which the gateway can apply without reading the patient's own limits).
     */
    public void newReading(UUID patient, Reading reading) {
        add(patient, RedLimits.anyRed(reading));
    }

    /** The patient, urgent when the caller found a value red (e.g. under limits just changed). */
    public void add(UUID patient, boolean urgent) {
        patients.merge(patient, urgent, Boolean::logicalOr);
    }

    public boolean isEmpty() {
        return patients.isEmpty();
    }

    /** The parameters of {@link #UPSERT} for the patients added. */
    public <E extends Exception> Object[] parameters(SqlArrays<E> arrays) throws E {
        return new Object[] {arrays.of("uuid", patients.keySet().toArray()), arrays.of("boolean", patients.values().toArray())};
    }
}
