package dk.fsc.service.readings;

import dk.fsc.gateway.GatewayConfig;
import dk.fsc.gateway.contract.Decoded;
import dk.fsc.gateway.contract.ReadingDecoder;
import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.patients.PatientAccess;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Status;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.transaction.annotation.Transactional;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /api/patients/{patientId}/observations}: what a nurse measures or observes by hand
 * (consciousness, respiration rate at a home visit). Same observation format and checks as the
 * device payload, plus {@code measuredAt}; stored as staff-entered and evaluated like readings.
 */
@Controller("/api/patients/{patientId}/observations")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class ObservationsController {
    private final ObservationStore store;
    private final PatientAccess access;
    private final AccessLog accessLog;
    private final JsonMapper json;
    private final ReadingDecoder decoder;

    /** Staff entries are checked like device payloads, with the gateway's clock tolerance and backlog window. */
    ObservationsController(ObservationStore store, PatientAccess access, AccessLog accessLog, JsonMapper json, GatewayConfig gateway) {
        this.decoder = new ReadingDecoder(Clock.systemUTC(), gateway.getFutureTolerance(), gateway.getBacklogWindow());
        this.store = store;
        this.access = access;
        this.accessLog = accessLog;
        this.json = json;
    }

    /** Body: {@code {"measuredAt": "...", "observations": [{"type", "value", "unit", "site"?}]}}. */
    @Post
    @Status(HttpStatus.CREATED)
    @Transactional
    Map<String, Object> record(@PathVariable UUID patientId, @Body String body, Authentication auth) {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        String messageId = "staff-" + UUID.randomUUID();
        Decoded decoded = decoder.decode(withMessageId(body, messageId)).get(0);
        if (decoded instanceof Decoded.Invalid invalid) {
            throw Refusal.invalid(invalid.reason().code() + ": " + invalid.reason().detail());
        }
        var reading = ((Decoded.Valid) decoded).reading();
        store.record(patientId, reading, user.username());
        accessLog.record(user, patientId, "record observations", "care", reading.observations().size() + " observation(s)");
        return Map.of("messageId", messageId, "measuredAt", reading.measuredAt().toString(), "observations", reading.observations().size());
    }

    private byte[] withMessageId(String body, String messageId) {
        Map<String, Object> object;
        try {
            object = new HashMap<>(json.readValue(body, Argument.mapOf(String.class, Object.class)));
        } catch (IOException | RuntimeException e) {
            throw Refusal.invalid("The body must be a JSON object with measuredAt and observations.");
        }
        object.put("messageId", messageId);
        try {
            return json.writeValueAsBytes(object);
        } catch (IOException e) {
            throw Refusal.invalid("The body must be a JSON object with measuredAt and observations.");
        }
    }
}
