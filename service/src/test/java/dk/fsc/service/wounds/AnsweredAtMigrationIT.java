package dk.fsc.service.wounds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dk.fsc.service.testing.Fixtures;
import dk.fsc.service.testing.TestInfrastructure;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/**
 * V40 gives the referrals of an older build their {@code answered_at} (the clock's answer to the
 * question standing): their newest answer, unless the nurse asked again after it (a line in the
 * citizen's access log) or the referral waits for an answer again.
 */
class AnsweredAtMigrationIT {
    private static final String NEWEST_ANSWER = "(SELECT max(a.assessed_at) FROM wound_assessments a WHERE a.referral_id = r.id)";

    @Test
    void olderReferralsKeepTheirAnswerUnlessAskedAgainAfterIt() {
        TestInfrastructure.Database db = TestInfrastructure.anotherDatabaseAt(MigrationVersion.fromVersion("39"));
        Fixtures f = new Fixtures(db.url(), db.user(), db.password());
        String org = f.organisation();
        String clinic = f.organisation("hospital");
        UUID patient = f.patient(org);
        UUID wound = wound(f, patient, "w-1");
        UUID other = wound(f, patient, "w-2");

        UUID answered = referral(f, wound, patient, org, clinic, "closed");
        answer(f, answered, "4 days");
        UUID askedAfter = referral(f, wound, patient, org, clinic, "closed");
        answer(f, askedAfter, "4 days");
        askAgain(f, askedAfter, patient, org, "3 days"); // then closed before the clinic answered again
        UUID answeredAgain = referral(f, wound, patient, org, clinic, "closed");
        answer(f, answeredAgain, "4 days");
        askAgain(f, answeredAgain, patient, org, "3 days");
        answer(f, answeredAgain, "2 days");
        UUID waiting = referral(f, wound, patient, org, clinic, "open");
        answer(f, waiting, "4 days");
        askAgain(f, waiting, patient, org, "3 days");
        UUID stillAnswered = referral(f, other, patient, org, clinic, "answered");
        answer(f, stillAnswered, "1 day");

        Flyway.configure().dataSource(db.url(), db.user(), db.password()).load().migrate();

        for (UUID withAnswer : new UUID[] {answered, answeredAgain, stillAnswered}) {
            assertEquals(1, f.count("SELECT count(*) FROM wound_referrals r WHERE id = ? AND answered_at = " + NEWEST_ANSWER, withAnswer),
                    withAnswer + ": its newest answer answered the question standing");
        }
        for (UUID without : new UUID[] {askedAfter, waiting}) {
            assertEquals(1, f.count("SELECT count(*) FROM wound_referrals WHERE id = ? AND answered_at IS NULL", without),
                    without + ": asked again after its answer, not answered since");
        }
    }

    private static UUID wound(Fixtures f, UUID patient, String key) {
        return UUID.fromString(f.text("""
                INSERT INTO wounds (patient_id, wound_key, wound_type, body_site, created_by) VALUES (?, ?, 'other', 'heel', 'test')
                RETURNING id::text""", patient, key));
    }

    private static UUID referral(Fixtures f, UUID wound, UUID patient, String org, String clinic, String status) {
        return UUID.fromString(f.text("""
                INSERT INTO wound_referrals (wound_id, patient_id, referring_organisation_id, clinic_id, question, referred_by, referred_at,
                                             answer_due, status)
                VALUES (?, ?, ?, ?, 'q', 'nurse', now() - interval '5 days', now() - interval '4 days', ?) RETURNING id::text""",
                wound, patient, org, clinic, status));
    }

    private static void answer(Fixtures f, UUID referral, String ago) {
        f.update("INSERT INTO wound_assessments (referral_id, specialist, assessed_at, assessment, treatment_plan)"
                + " VALUES (?, 'specialist', now() - CAST(? AS interval), 'a', 'p')", referral, ago);
    }

    private static void askAgain(Fixtures f, UUID referral, UUID patient, String org, String ago) {
        f.update("INSERT INTO access_log (at, username, organisation_id, role, patient_id, action, purpose, detail)"
                + " VALUES (now() - CAST(? AS interval), 'nurse', ?, 'nurse', ?, 'ask clinic again', 'care', ?)", ago, org, patient, referral.toString());
    }
}
