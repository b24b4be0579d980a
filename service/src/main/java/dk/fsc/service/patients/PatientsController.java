package dk.fsc.service.patients;

import dk.fsc.service.audit.AccessLog;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.security.CprCipher;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.Status;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Patient records for nurses and clinicians of the patient's organisation: register a citizen
 * (CPR number in the body, never in a URL), find one by CPR number, read the record. The CPR
 * number is stored encrypted and found by its keyed hash; it is shown only in the record itself,
 * and every read is in the access log.
 */
@Controller("/api/patients")
@Secured({StaffUser.Role.NURSE, StaffUser.Role.CLINICIAN})
class PatientsController {
    static final String INVALID_CPR = "cpr must be a CPR number: ten digits (a dash after the sixth is allowed), the first six a date (DDMMYY).";
    private final DataSource dataSource;
    private final PatientAccess access;
    private final CprCipher cipher;
    private final AccessLog accessLog;

    PatientsController(DataSource dataSource, PatientAccess access, CprCipher cipher, AccessLog accessLog) {
        this.dataSource = dataSource;
        this.access = access;
        this.cipher = cipher;
        this.accessLog = accessLog;
    }

    @Serdeable
    record NewPatient(@Nullable String displayName, @Nullable String cpr) {
    }

    @Serdeable
    record CprSearch(@Nullable String cpr) {
    }

    @Serdeable
    record PatientRecord(UUID id, String organisationId, String displayName, String cpr, @Nullable String address, @Nullable String phone,
                         Instant createdAt) {
    }

    /** Where devices are shipped and how FSC reaches the citizen about them. */
    @Serdeable
    record Contact(@Nullable String address, @Nullable String phone) {
    }

    /** Registers a citizen with the caller's organisation; 409 with the existing record's id if already there. */
    @Post
    @Status(HttpStatus.CREATED)
    @Transactional
    PatientRecord register(@Body NewPatient body, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        String cpr = validCpr(body.cpr());
        String name = body.displayName() == null ? "" : body.displayName().strip();
        if (name.isEmpty() || name.length() > 200) {
            throw Refusal.invalid("displayName is required (the name nurses see), at most 200 characters.");
        }
        Sql sql = Sql.on(connection());
        UUID existing = find(sql, user.organisationId(), cpr);
        if (existing != null) {
            throw Refusal.conflict("This citizen is already registered with your organisation as patient " + existing + ".");
        }
        UUID id = UUID.randomUUID();
        // Two staff registering the same citizen at once: the unique index lets one win; the other gets 409.
        int inserted = sql.update("""
                INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (organisation_id, cpr_hash) DO NOTHING""",
                id, user.organisationId(), name, cipher.encrypt(cpr), cipher.lookupHash(cpr));
        if (inserted == 0) {
            throw Refusal.conflict("This citizen was registered with your organisation a moment ago; search for them.");
        }
        accessLog.record(user, id, "register patient", "care", null);
        return read(sql, id);
    }

    /** Finds a citizen of the caller's organisation by CPR number (in the body, so it stays out of URLs and logs). */
    @Post("/search")
    @Transactional
    PatientRecord search(@Body CprSearch body, @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth)
            throws SQLException {
        StaffUser user = StaffUser.of(auth);
        String cpr = validCpr(body.cpr());
        Sql sql = Sql.on(connection());
        UUID id = find(sql, user.organisationId(), cpr);
        if (id == null) {
            throw Refusal.notFound("No patient with this CPR number among your organisation's citizens.");
        }
        accessLog.record(user, id, "find patient by CPR", AccessLog.purpose(purpose), null);
        return read(sql, id);
    }

    @Get("/{patientId}")
    @Transactional
    PatientRecord one(@PathVariable UUID patientId, @Nullable @Header("X-FSC-Purpose") String purpose, Authentication auth)
            throws SQLException {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        accessLog.record(user, patientId, "read patient record", AccessLog.purpose(purpose), null);
        return read(Sql.on(connection()), patientId);
    }

    /** Sets the address and phone logistics uses for shipping and collecting devices (FSC sees these, never readings). */
    @Put("/{patientId}/contact")
    @Transactional
    PatientRecord contact(@PathVariable UUID patientId, @Body Contact body, Authentication auth) throws SQLException {
        StaffUser user = StaffUser.of(auth);
        access.requireCareAccess(user, patientId);
        if (body.address() != null && body.address().length() > 500 || body.phone() != null && !body.phone().matches("[+0-9 ()-]{6,30}")) {
            throw Refusal.invalid("address is at most 500 characters; phone is 6-30 of digits, spaces, + ( ) -");
        }
        Sql sql = Sql.on(connection());
        sql.update("UPDATE patients SET address = ?, phone = ? WHERE id = ?", body.address(), body.phone(), patientId);
        accessLog.record(user, patientId, "change contact details", "care", null);
        return read(sql, patientId);
    }

    private String validCpr(String given) {
        String cpr = CprCipher.normalise(given);
        if (!CprCipher.isValid(cpr)) {
            throw Refusal.invalid(INVALID_CPR);
        }
        return cpr;
    }

    private UUID find(Sql sql, String organisation, String cpr) {
        for (byte[] hash : cipher.lookupHashes(cpr)) { // the current key first; older ones while a rotation runs
            UUID id = sql.one("SELECT id FROM patients WHERE organisation_id = ? AND cpr_hash = ?", rs -> rs.getObject(1, UUID.class),
                    organisation, hash).orElse(null);
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    private PatientRecord read(Sql sql, UUID id) {
        return sql.one("SELECT id, organisation_id, display_name, cpr_encrypted, address, phone, created_at FROM patients WHERE id = ?",
                rs -> new PatientRecord(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), cipher.decrypt(rs.getBytes(4)),
                        rs.getString(5), rs.getString(6), Sql.instant(rs, "created_at")), id).orElseThrow();
    }

    private Connection connection() throws SQLException {
        return dataSource.getConnection();
    }
}
