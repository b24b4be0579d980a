package dk.fsc.service.platform.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.TestCprs;
import dk.fsc.service.testing.TestInfrastructure;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Rotating the CPR key on the real database: every patient moves to the new key (encryption and
 * look-up hash), a row sealed with a key nobody configured is reported and left alone, a second
 * run has nothing to do, and rotating back restores the test run's key for the other tests.
 */
class CprRekeyIT {
    private final Fixtures fixtures = new Fixtures();

    @Test
    void movesEveryPatientToTheNewKeyAndLeavesWhatItCannotReadAlone() throws Exception {
        String testKey = TestInfrastructure.cprKey();
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String newKey = Base64.getEncoder().encodeToString(raw);
        PGSimpleDataSource pg = new PGSimpleDataSource();
        TestInfrastructure.Database database = TestInfrastructure.database();
        pg.setURL(database.url());
        if (database.user() != null) {
            pg.setUser(database.user());
            pg.setPassword(database.password());
        }
        Database db = new Database(pg, null);
        String org = fixtures.organisation();
        String cpr = TestCprs.next();
        UUID patient = fixtures.patient(org, cpr);
        UUID unreadable = UUID.randomUUID();
        byte[] foreign = new byte[40];
        new SecureRandom().nextBytes(foreign);
        foreign[0] = 2;
        fixtures.update("INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash) VALUES (?, ?, 'x', ?, ?)",
                unreadable, org, foreign, new byte[32]);
        try {
            CprCipher rotated = new CprCipher(newKey, testKey);
            long readable = fixtures.count("SELECT count(*) FROM patients WHERE substring(cpr_encrypted from 1 for 5) = ?",
                    new CprCipher(testKey, "").currentPrefix());
            long moved = new CprRekeyJob(db, rotated).run();
            assertEquals(readable, moved, "every patient under the old key");
            byte[] sealed = fixtures.bytes("SELECT cpr_encrypted FROM patients WHERE id = ?", patient);
            CprCipher onlyNew = new CprCipher(newKey, "");
            assertEquals(cpr, onlyNew.decrypt(sealed), "readable without the old key");
            assertArrayEquals(onlyNew.lookupHash(cpr), fixtures.bytes("SELECT cpr_hash FROM patients WHERE id = ?", patient));
            assertArrayEquals(foreign, fixtures.bytes("SELECT cpr_encrypted FROM patients WHERE id = ?", unreadable));
            assertEquals(0, new CprRekeyJob(db, rotated).run(), "nothing left to do");
        } finally {
            fixtures.update("DELETE FROM patients WHERE id = ?", unreadable);
            new CprRekeyJob(db, new CprCipher(testKey, newKey)).run();
        }
        byte[] back = fixtures.bytes("SELECT cpr_encrypted FROM patients WHERE id = ?", patient);
        assertArrayEquals(new CprCipher(testKey, "").currentPrefix(), Arrays.copyOf(back, 5));
    }
}
