package dk.fsc.service.patients;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.security.CprCipher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/**
 * The patients table. The CPR number is stored encrypted and found by its keyed hash (the current
 * key's first, older keys' while a rotation runs); it is decrypted only into the full record.
 * Works in the caller's transaction.
 */
@Singleton
public class PatientStore {
    private final Database db;
    private final CprCipher cipher;

    PatientStore(Database db, CprCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    /** The patient, when the patient belongs to {@code organisationId}. */
    @Transactional
    Optional<Patient> inOrganisation(UUID id, String organisationId) {
        return db.sql().one("SELECT id, organisation_id, display_name FROM patients WHERE id = ? AND organisation_id = ?",
                rs -> new Patient(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)), id, organisationId);
    }

    /** The name and organisation of a patient known to exist, without the CPR number (for one who may see only that, after their own check). */
    public Patient named(UUID id) {
        return db.sql().one("SELECT id, organisation_id, display_name FROM patients WHERE id = ?",
                rs -> new Patient(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)), id).orElseThrow();
    }

    /** Registers a citizen with an organisation and returns the new patient id; a conflict if already registered there. */
    UUID register(String organisationId, String displayName, String cpr) {
        findByCpr(organisationId, cpr).ifPresent(existing -> {
            throw Refusal.conflict("This citizen is already registered with your organisation as patient " + existing + ".");
        });
        UUID id = UUID.randomUUID();
        // Two staff registering the same citizen at once: the unique index lets one win; the other gets a conflict.
        int inserted = db.sql().update("""
                INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (organisation_id, cpr_hash) DO NOTHING""",
                id, organisationId, displayName, cipher.encrypt(cpr), cipher.lookupHash(cpr));
        if (inserted == 0) {
            throw Refusal.conflict("This citizen was registered with your organisation a moment ago; search for them.");
        }
        return id;
    }

    /** The organisation's patient with this CPR number. */
    Optional<UUID> findByCpr(String organisationId, String cpr) {
        Sql sql = db.sql();
        for (byte[] hash : cipher.lookupHashes(cpr)) { // the current key first; older ones while a rotation runs
            Optional<UUID> id = sql.one("SELECT id FROM patients WHERE organisation_id = ? AND cpr_hash = ?",
                    rs -> rs.getObject(1, UUID.class), organisationId, hash);
            if (id.isPresent()) {
                return id;
            }
        }
        return Optional.empty();
    }

    /** The full record of a patient known to exist (CPR number included: only after PatientAccess). */
    public PatientRecord read(UUID id) {
        return db.sql().one("SELECT id, organisation_id, display_name, cpr_encrypted, address, phone, created_at FROM patients WHERE id = ?",
                rs -> new PatientRecord(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), cipher.decrypt(rs.getBytes(4)),
                        rs.getString(5), rs.getString(6), Sql.instant(rs, "created_at")), id).orElseThrow();
    }

    /** Where devices are shipped and how FSC reaches the citizen about them. */
    void setContact(UUID id, @Nullable String address, @Nullable String phone) {
        db.sql().update("UPDATE patients SET address = ?, phone = ? WHERE id = ?", address, phone, id);
    }

    /**
     * The citizen's date of birth as the CPR number gives it (its first six digits, the century
     * from the seventh), for showing an age; the CPR number itself never leaves this class here.
     * Empty when the number carries no valid date.
     */
    public Optional<LocalDate> birthDate(UUID id) {
        return db.sql().one("SELECT cpr_encrypted FROM patients WHERE id = ?", rs -> rs.getBytes(1), id)
                .flatMap(PatientStore.this::birthDateOrNone);
    }

    /**
     * A record whose CPR number cannot be read (sealed with a key not configured: CprRekeyJob warns of
     * it) still opens, without an age: the chart must not fail on it.
     */
    private Optional<LocalDate> birthDateOrNone(byte[] stored) {
        try {
            return birthDateOf(cipher.decrypt(stored));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The date of birth in a CPR number (ten digits), by the CPR office's century rule. */
    public static Optional<LocalDate> birthDateOf(String cpr) {
        if (cpr == null || !cpr.matches("\\d{10}")) {
            return Optional.empty();
        }
        int day = Integer.parseInt(cpr.substring(0, 2));
        int month = Integer.parseInt(cpr.substring(2, 4));
        int yy = Integer.parseInt(cpr.substring(4, 6));
        int seventh = cpr.charAt(6) - '0';
        int century;
        if (seventh <= 3) {
            century = 1900;
        } else if (seventh == 4 || seventh == 9) {
            century = yy <= 36 ? 2000 : 1900;
        } else {
            century = yy <= 57 ? 2000 : 1800;
        }
        try {
            return Optional.of(LocalDate.of(century + yy, month, day));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
