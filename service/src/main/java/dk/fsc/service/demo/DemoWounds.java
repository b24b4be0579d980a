package dk.fsc.service.demo;

import dk.fsc.gateway.blobs.BlobStore;
import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.security.PasswordHasher;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.tickets.SlaCalendar;
import io.micronaut.context.annotation.Requires;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import javax.imageio.ImageIO;

/**
 * The wound workflow in the demo (docs/wounds.md), so a newcomer sees it at once: a hospital wound
 * clinic with a specialist login, Karen Demo Jensen of Aarhus with a venous leg ulcer under 14-day
 * follow-up, three photos over a month with their measurements (the wound shrinking), her consent,
 * an assessment of the first photos and an open referral asking about the newest. Loaded once,
 * also into a demo installation made before the workflow existed. Fictitious, for development only.
 */
@Singleton
@Requires(property = "fsc.demo.enabled", value = "true")
class DemoWounds {
    static final String CLINIC = "auh-saarcenter";
    static final DemoCatalogue.User SPECIALIST = new DemoCatalogue.User("specialist.auh", "dev-specialist-auh", "wound_specialist", CLINIC);
    private static final String CAMERA = "DEMO-CAM-AAR-1";
    private final Database db;
    private final BlobStore blobs;

    DemoWounds(Database db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    /** Inserts the wound demo unless it is there; returns whether it inserted. */
    @Transactional
    boolean load() throws IOException {
        Sql sql = db.sql();
        if (sql.one("SELECT 1 FROM organisations WHERE id = ?", rs -> 1, CLINIC).isPresent()) {
            return false;
        }
        DemoCatalogue.Patient karen = DemoCatalogue.PATIENTS.get(0);
        sql.update("INSERT INTO organisations (id, name, kind) VALUES (?, 'Aarhus Universitetshospital, Sårcenter', 'hospital')", CLINIC);
        sql.update("INSERT INTO staff_users (username, password_hash, display_name, role, organisation_id) VALUES (?, ?, ?, ?, ?)",
                SPECIALIST.username(), PasswordHasher.hash(SPECIALIST.password()), SPECIALIST.username() + " (demo)", SPECIALIST.role(), CLINIC);
        Instant now = Instant.now();
        Instant start = now.minus(Duration.ofDays(30));
        sql.update("""
                INSERT INTO devices (id, device_type, model, serial_number, state, mqtt_username, mqtt_password_hash)
                VALUES (?, 'camera', 'Demo Wound Camera', ?, 'on_loan', ?, ?)""", CAMERA, "SN-" + CAMERA, CAMERA,
                PasswordHasher.hash("dev-" + CAMERA.toLowerCase()));
        sql.update("INSERT INTO loans (device_id, patient_id, organisation_id, starts_at) VALUES (?, ?, 'region-midt', ?)",
                CAMERA, karen.id(), start.minus(Duration.ofDays(1)));
        UUID wound = sql.one("""
                INSERT INTO wounds (patient_id, wound_key, wound_type, body_site, side, onset, status, follow_up_days, follow_up_since, created_by)
                VALUES (?, 'w-left-shin-1', 'venous_leg_ulcer', 'lower leg, medial', 'left', ?, 'healing', 14, ?, 'nurse.aarhus')
                RETURNING id""", rs -> rs.getObject(1, UUID.class), karen.id(), LocalDate.now(DanishTime.ZONE).minusDays(60), start).orElseThrow();
        double[][] sizes = {{4.2, 2.8, 0.4}, {3.6, 2.3, 0.3}, {3.1, 1.9, 0.2}};
        for (int i = 0; i < sizes.length; i++) {
            Instant taken = start.plus(Duration.ofDays(14L * i));
            byte[] image = picture(sizes[i][0], sizes[i][1], 640, 480);
            byte[] thumbnail = picture(sizes[i][0], sizes[i][1], 320, 240);
            blobs.put(image);
            blobs.put(thumbnail);
            sql.update("""
                    INSERT INTO photos (device_id, message_id, patient_id, taken_at, wound_id, wound_type, body_site, length_cm, width_cm,
                                        depth_cm, note, content_type, sha256, size_bytes, width_px, height_px, thumbnail_sha256, received_at)
                    VALUES (?, ?, ?, ?, 'w-left-shin-1', 'venous_leg_ulcer', 'lower leg, medial', ?, ?, ?, ?, 'image/jpeg', ?, ?, 640, 480, ?, ?)""",
                    CAMERA, "demo-photo-" + (i + 1), karen.id(), taken, sizes[i][0], sizes[i][1], sizes[i][2],
                    i == 0 ? "after cleansing, yellow slough" : "after cleansing", BlobStore.sha256(image), image.length,
                    BlobStore.sha256(thumbnail), taken.plusSeconds(40));
        }
        sql.update("INSERT INTO wound_consents (patient_id, given_at, how, recorded_by, note) VALUES (?, ?, 'written', 'nurse.aarhus', ?)",
                karen.id(), start, "signed at the first visit (demo)");
        // The first referral: answered the next day, then asked again on the newest photo, which waits for its answer.
        Instant referred = start.plus(Duration.ofHours(3));
        UUID referral = sql.one("""
                INSERT INTO wound_referrals (wound_id, patient_id, referring_organisation_id, clinic_id, question, referred_by, referred_at,
                                             answer_due, status)
                VALUES (?, ?, 'aarhus', ?, ?, 'nurse.aarhus', ?, ?, 'open') RETURNING id""", rs -> rs.getObject(1, UUID.class),
                wound, karen.id(), CLINIC, "New photo after two weeks of compression: is it healing as it should?", referred,
                SlaCalendar.endOfNextWorkingDay(now.minus(Duration.ofHours(2)))).orElseThrow();
        sql.update("""
                INSERT INTO wound_assessments (referral_id, specialist, assessed_at, assessment, classification, treatment_plan, next_photo_due)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", referral, SPECIALIST.username(), referred.plus(Duration.ofHours(20)),
                "Venous leg ulcer with about 30 % yellow slough, no signs of infection, edges flat.", "venous ulcer, CEAP C6",
                "Compression 40 mmHg daily, mechanical debridement at each dressing change, dressings twice a week.",
                LocalDate.now(DanishTime.ZONE).minusDays(16));
        return true;
    }

    /** A drawn picture of a wound of this size, for the demo: a reddish ellipse on skin. */
    private static byte[] picture(double lengthCm, double widthCm, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(224, 180, 150));
        g.fillRect(0, 0, width, height);
        int w = (int) (lengthCm / 6 * width);
        int h = (int) (widthCm / 6 * height);
        g.setColor(new Color(170, 50, 50));
        g.fillOval((width - w) / 2, (height - h) / 2, w, h);
        g.setColor(new Color(220, 200, 90));
        g.fillOval((width - w / 3) / 2, (height - h / 3) / 2, w / 3, h / 3);
        g.dispose();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
