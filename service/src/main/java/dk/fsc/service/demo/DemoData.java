package dk.fsc.service.demo;

import dk.fsc.service.platform.database.Database;
import dk.fsc.service.platform.database.Sql;
import dk.fsc.service.platform.security.CprCipher;
import dk.fsc.service.platform.security.PasswordHasher;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@link DemoCatalogue} on the first start of a demo installation and writes the logins
 * and device credentials to {@code $FSC_DATA_DIR/demo-credentials.json} on every start.
 */
@Singleton
@Requires(property = "fsc.demo.enabled", value = "true")
class DemoData {
    private static final Logger LOG = LoggerFactory.getLogger(DemoData.class);
    private final Database db;
    private final CprCipher cpr;
    private final JsonMapper json;
    private final String credentialsFile;
    private final String mqttHost;
    private final int mqttPort;
    private final int httpPort;
    private final DemoWounds wounds;

    DemoData(Database db, CprCipher cpr, JsonMapper json, DemoWounds wounds,
             @Nullable @Value("${fsc.demo.credentials-file:}") String credentialsFile,
             @Value("${fsc.demo.mqtt-host:127.0.0.1}") String mqttHost, @Value("${fsc.demo.mqtt-port:1883}") int mqttPort,
             @Value("${fsc.demo.http-port:8080}") int httpPort) {
        this.db = db;
        this.cpr = cpr;
        this.json = json;
        this.credentialsFile = credentialsFile;
        this.mqttHost = mqttHost;
        this.mqttPort = mqttPort;
        this.httpPort = httpPort;
        this.wounds = wounds;
    }

    @Serdeable
    record Credentials(List<DemoCatalogue.User> users, List<DemoCatalogue.Device> devices, Endpoint mqtt, HttpEndpoint http) {
    }

    @Serdeable
    record Endpoint(String host, int port) {
    }

    @Serdeable
    record HttpEndpoint(int port) {
    }

    @EventListener
    void onStartup(StartupEvent event) throws IOException {
        if (load()) {
            LOG.info("Loaded demo data: {} organisations, {} staff users, {} patients, {} devices",
                    DemoCatalogue.ORGANISATIONS.size(), DemoCatalogue.USERS.size(), DemoCatalogue.PATIENTS.size(),
                    DemoCatalogue.devices().size());
        }
        if (wounds.load()) {
            LOG.info("Loaded the wound demo: the clinic {} with {}, a wound of {} with three photos and an open referral",
                    DemoWounds.CLINIC, DemoWounds.SPECIALIST.username(), DemoCatalogue.PATIENTS.get(0).displayName());
        }
        if (credentialsFile != null && !credentialsFile.isBlank()) {
            Path file = Path.of(credentialsFile);
            Files.createDirectories(file.toAbsolutePath().getParent());
            List<DemoCatalogue.User> users = new java.util.ArrayList<>(DemoCatalogue.USERS);
            users.add(DemoWounds.SPECIALIST);
            Credentials credentials = new Credentials(users, DemoCatalogue.devices(),
                    new Endpoint(mqttHost, mqttPort), new HttpEndpoint(httpPort));
            Files.write(file, json.writeValueAsBytes(credentials));
        }
    }

    /** Inserts the catalogue unless it is there already; returns whether it inserted. */
    @Transactional
    boolean load() {
        Sql sql = db.sql();
        if (sql.one("SELECT 1 FROM organisations WHERE id = 'fsc'", rs -> rs.getInt(1)).isPresent()) {
            return false;
        }
        for (DemoCatalogue.Organisation o : DemoCatalogue.ORGANISATIONS) {
            sql.update("INSERT INTO organisations (id, name, kind, municipality_code) VALUES (?, ?, ?, ?)",
                    o.id(), o.name(), o.kind(), o.municipalityCode());
        }
        for (DemoCatalogue.User u : DemoCatalogue.USERS) {
            sql.update("INSERT INTO staff_users (username, password_hash, display_name, role, organisation_id) VALUES (?, ?, ?, ?, ?)",
                    u.username(), PasswordHasher.hash(u.password()), u.username() + " (demo)", u.role(), u.organisation());
        }
        for (DemoCatalogue.Patient p : DemoCatalogue.PATIENTS) {
            sql.update("INSERT INTO patients (id, organisation_id, display_name, cpr_encrypted, cpr_hash) VALUES (?, ?, ?, ?, ?)",
                    p.id(), p.organisation(), p.displayName(), cpr.encrypt(p.cpr()), cpr.lookupHash(p.cpr()));
        }
        OffsetDateTime loanStart = OffsetDateTime.now(ZoneOffset.UTC).minusDays(90);
        for (DemoCatalogue.Patient p : DemoCatalogue.PATIENTS) {
            sql.update("INSERT INTO patient_monitoring (patient_id, spo2_target_88_92, schedule, started_at, updated_by) VALUES (?, ?, 'copd_standard', ?, 'demo')",
                    p.id(), p.number() == 2, loanStart);
        }
        for (DemoCatalogue.Organisation o : DemoCatalogue.ORGANISATIONS) {
            if (o.kind().equals("municipality")) {
                sql.update("INSERT INTO escalation_levels (organisation_id, level, name, delay_minutes) VALUES (?, 1, ?, 15), (?, 2, ?, 10)",
                        o.id(), "acute team coordinator, " + o.name(), o.id(), "on-call doctor");
            }
        }
        for (DemoCatalogue.Device d : DemoCatalogue.devices()) {
            sql.update("INSERT INTO devices (id, device_type, model, serial_number, state, mqtt_username, mqtt_password_hash)"
                            + " VALUES (?, 'pulse_oximeter', 'Demo Oximeter 1', ?, ?, ?, ?)",
                    d.deviceId(), "SN-" + d.deviceId(), d.patientId() == null ? "ready" : "on_loan", d.mqttUsername(),
                    PasswordHasher.hash(d.mqttPassword()));
            if (d.patientId() != null) {
                sql.update("INSERT INTO loans (device_id, patient_id, organisation_id, starts_at) VALUES (?, ?, 'region-midt', ?)",
                        d.deviceId(), d.patientId(), loanStart);
            }
        }
        return true;
    }
}
