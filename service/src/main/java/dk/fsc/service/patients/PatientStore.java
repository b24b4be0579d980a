package dk.fsc.service.patients;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.security.CprCipher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;

/**
 * The patients table. The CPR number is stored encrypted and found by its keyed hash (the current
 * key's first, older keys' while a rotation runs); it is decrypted only into the full record.
 * Works in the caller's transaction.
 */
@Singleton
class PatientStore {
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

    /** The full record of a patient known to exist. */
    PatientRecord read(UUID id) {
        return db.sql().one("SELECT id, organisation_id, display_name, cpr_encrypted, address, phone, created_at FROM patients WHERE id = ?",
                rs -> new PatientRecord(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), cipher.decrypt(rs.getBytes(4)),
                        rs.getString(5), rs.getString(6), Sql.instant(rs, "created_at")), id).orElseThrow();
    }

    /** Where devices are shipped and how FSC reaches the citizen about them. */
    void setContact(UUID id, @Nullable String address, @Nullable String phone) {
        db.sql().update("UPDATE patients SET address = ?, phone = ? WHERE id = ?", address, phone, id);
    }
}
