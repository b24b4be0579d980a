package dk.fsc.service.demo;

import io.micronaut.serde.annotation.Serdeable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The demo installation: three municipalities, the region, FSC, their staff, six citizens with a
 * pulse oximeter each and one device in stock. All names, CPR numbers and passwords are
 * fictitious and for development only.
 */
final class DemoCatalogue {

    record Organisation(String id, String name, String kind, String municipalityCode) {
    }

    @Serdeable
    record User(String username, String password, String role, String organisation) {
    }

    record Patient(UUID id, String organisation, int number, String displayName, String cpr) {
    }

    @Serdeable
    record Device(String deviceId, String mqttUsername, String mqttPassword, UUID patientId, String organisation) {
    }

    static final List<Organisation> ORGANISATIONS = List.of(
            new Organisation("aarhus", "Aarhus Kommune", "municipality", "751"),
            new Organisation("randers", "Randers Kommune", "municipality", "730"),
            new Organisation("horsens", "Horsens Kommune", "municipality", "615"),
            new Organisation("region-midt", "Region Midtjylland", "region", null),
            new Organisation("fsc", "Fælles Service Center", "fsc", null));

    static final List<User> USERS = List.of(
            new User("nurse.aarhus", "dev-nurse-aarhus", "nurse", "aarhus"),
            new User("nurse.randers", "dev-nurse-randers", "nurse", "randers"),
            new User("nurse.horsens", "dev-nurse-horsens", "nurse", "horsens"),
            new User("clinician.aarhus", "dev-clinician-aarhus", "clinician", "aarhus"),
            new User("admin.aarhus", "dev-admin-aarhus", "org_admin", "aarhus"),
            new User("support.fsc", "dev-support-fsc", "fsc_support", "fsc"),
            new User("admin.fsc", "dev-admin-fsc", "fsc_admin", "fsc"));

    static final List<Patient> PATIENTS = List.of(
            patient("aarhus", 1, "Karen Demo Jensen", "0101401111"),
            patient("aarhus", 2, "Jens Demo Nielsen", "0202452222"),
            patient("randers", 1, "Birthe Demo Hansen", "0303383333"),
            patient("randers", 2, "Poul Demo Pedersen", "0404484444"),
            patient("horsens", 1, "Inge Demo Andersen", "0505355555"),
            patient("horsens", 2, "Erik Demo Christensen", "0606506666"));

    /** One pulse oximeter per patient, plus DEMO-OX-STOCK-1 in stock (not on loan). */
    static List<Device> devices() {
        List<Device> devices = new ArrayList<>();
        for (Patient p : PATIENTS) {
            String id = "DEMO-OX-" + p.organisation().substring(0, 3).toUpperCase() + "-" + p.number();
            devices.add(new Device(id, id, "dev-" + id.toLowerCase(), p.id(), p.organisation()));
        }
        devices.add(new Device("DEMO-OX-STOCK-1", "DEMO-OX-STOCK-1", "dev-demo-ox-stock-1", null, "fsc"));
        return devices;
    }

    private static Patient patient(String organisation, int n, String name, String cpr) {
        UUID id = UUID.nameUUIDFromBytes(("fsc-demo-patient-" + organisation + "-" + n).getBytes(StandardCharsets.UTF_8));
        return new Patient(id, organisation, n, name, cpr);
    }

    private DemoCatalogue() {
    }
}
