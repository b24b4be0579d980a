package dk.fsc.service.simulator;

import dk.fsc.gateway.contract.Questionnaire;
import dk.fsc.service.platform.time.DanishTime;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * What one simulated device sends: readings with values that follow the patient's baseline and a
 * daily rhythm (pulse and temperature higher in the afternoon), red values once the patient
 * deteriorates, malformed or refused payloads, wound photos and status reports. Each message comes
 * with the line the simulator's log keeps for it. Public for the benchmark's fleet phase, which
 * sends the same messages over a connection per device.
 */
public final class Messages {

    /** One message to publish and what the system should make of it. */
    public record Message(String topic, byte[] payload, String device, String messageId, String kind, String expect, String code,
                   int observations, boolean red, java.util.UUID patient) {

        String logLine() {
            return device + '\t' + messageId + '\t' + kind + '\t' + expect + '\t' + code + '\t' + observations + '\t'
                    + patient + '\t' + (red ? "red" : "-");
        }
    }

    /** A patient's own normal values, drawn once. */
    public record Baseline(double pulse, double spo2, double systolic, double diastolic, double temperature, double weight,
                    double fev1, double cat, double respiration) {

        public static Baseline draw(Random r) {
            return new Baseline(62 + r.nextDouble() * 20, 94.5 + r.nextDouble() * 2.5, 118 + r.nextDouble() * 25,
                    70 + r.nextDouble() * 12, 36.5 + r.nextDouble() * 0.4, 55 + r.nextDouble() * 40,
                    0.8 + r.nextDouble() * 1.2, 10 + r.nextDouble() * 14, 14 + r.nextDouble() * 4);
        }
    }

    private static final String[] BAD_CODES = {"MALFORMED_JSON", "IMPLAUSIBLE_VALUE", "UNKNOWN_TYPE", "UNKNOWN_UNIT",
            "MEASURED_IN_FUTURE", "INVALID_PAYLOAD"};

    private static volatile String photoBase64;

    private Messages() {
    }

    static String topic(String device, String kind) {
        return "fsc/v1/devices/" + device + "/" + kind;
    }

    /** A reading of the device's type at {@code at}; red values when the patient has deteriorated. */
    public static Message reading(SimulatedFleet.Device d, String messageId, Instant at, Baseline b, boolean deteriorated, Random r) {
        double hour = at.atZone(DanishTime.ZONE).getHour() + at.atZone(DanishTime.ZONE).getMinute() / 60.0;
        double afternoon = Math.sin(2 * Math.PI * (hour - 10) / 24); // peaks about 16:00, lowest about 04:00
        StringBuilder obs = new StringBuilder();
        String answers = null;
        boolean red = false;
        for (String type : d.type().observations()) {
            double value;
            String unit;
            String site = null;
            switch (type) {
                case "pulse" -> {
                    value = deteriorated ? 132 + r.nextInt(14) : clamp(Math.round(b.pulse() + 6 * afternoon + r.nextGaussian() * 3), 55, 88); // TOBS 0 is 50–89
                    unit = "/min";
                    red |= deteriorated;
                }
                case "spo2" -> {
                    value = deteriorated ? 85 + r.nextInt(4) : clamp(Math.round(b.spo2() + r.nextGaussian() * 0.8), 94, 99);
                    unit = "%";
                }
                case "systolic_bp" -> {
                    value = clamp(Math.round(b.systolic() + 6 * afternoon + r.nextGaussian() * 5), 105, 170);
                    unit = "mm[Hg]";
                }
                case "diastolic_bp" -> {
                    value = clamp(Math.round(b.diastolic() + 3 * afternoon + r.nextGaussian() * 3), 60, 95);
                    unit = "mm[Hg]";
                }
                case "temperature" -> {
                    value = deteriorated ? round1(40.1 + r.nextDouble() * 0.6)
                            : clamp(round1(b.temperature() + 0.3 * afternoon + r.nextGaussian() * 0.1), 36.2, 37.4); // oral: +0.5 before scoring
                    unit = "Cel";
                    site = "oral";
                    red |= deteriorated;
                }
                case "weight" -> {
                    value = round1(b.weight() + r.nextGaussian() * 0.2);
                    unit = "kg";
                }
                case "fev1" -> {
                    value = Math.round((b.fev1() + r.nextGaussian() * 0.05) * 100) / 100.0;
                    unit = "L";
                }
                case "cat_score" -> {
                    value = clamp(Math.round(b.cat() + r.nextGaussian() * 0.7), 0, 40); // a stable patient: no change from baseline alerts
                    unit = "{score}";
                }
                case "respiration_rate" -> {
                    value = deteriorated ? 26 + r.nextInt(5) : clamp(Math.round(b.respiration() + r.nextGaussian()), 12, 20);
                    unit = "/min";
                    red |= deteriorated;
                }
                case "consciousness" -> {
                    value = 0;
                    unit = "{score}";
                }
                default -> throw new IllegalStateException("no model for " + type);
            }
            if (type.equals("cat_score")) { // a tablet sends the CAT's answers; the gateway adds them up to the cat_score
                answers = catAnswers((int) value);
                continue;
            }
            if (obs.length() > 0) {
                obs.append(',');
            }
            obs.append("{\"type\":\"").append(type).append("\",\"value\":").append(number(value)).append(",\"unit\":\"").append(unit).append('"');
            if (site != null) {
                obs.append(",\"site\":\"").append(site).append('"');
            }
            obs.append('}');
        }
        String json = "{\"messageId\":\"" + messageId + "\",\"measuredAt\":\"" + at + "\",\"observations\":[" + obs + "]"
                + (answers == null ? "" : ",\"questionnaire\":\"cat\",\"answers\":" + answers) + "}";
        return new Message(topic(d.id(), "readings"), json.getBytes(StandardCharsets.UTF_8), d.id(), messageId, "reading",
                "accepted", "-", d.type().observations().size(), red, d.patientId());
    }

    /** The eight CAT answers (0 to 5 each) that add up to {@code total}, spread evenly. */
    static String catAnswers(int total) {
        StringBuilder b = new StringBuilder("[");
        List<Questionnaire.Item> items = Questionnaire.CAT.items();
        for (int i = 0; i < items.size(); i++) {
            int points = total / items.size() + (i < total % items.size() ? 1 : 0);
            b.append(i == 0 ? "" : ",").append("{\"item\":\"").append(items.get(i).id()).append("\",\"answer\":").append(points).append('}');
        }
        return b.append(']').toString();
    }

    /** A payload the gateway must refuse, with the reason code it must give. */
    static Message bad(SimulatedFleet.Device d, String messageId, Instant at, Random r) {
        String code = BAD_CODES[r.nextInt(BAD_CODES.length)];
        String json = switch (code) {
            case "MALFORMED_JSON" -> "{\"messageId\":\"" + messageId + "\",\"measuredAt\":\"" + at + "\",\"observations\":[{\"type\":";
            case "IMPLAUSIBLE_VALUE" -> reading("spo2", "130", "%", messageId, at);
            case "UNKNOWN_TYPE" -> reading("blood_glucose_x", "6.1", "mmol/L", messageId, at);
            case "UNKNOWN_UNIT" -> reading("temperature", "310", "K", messageId, at);
            case "MEASURED_IN_FUTURE" -> reading("pulse", "72", "/min", messageId, at.plusSeconds(7200));
            default -> "{\"messageId\":\"" + messageId + "\",\"measuredAt\":\"" + at + "\"}";
        };
        return new Message(topic(d.id(), "readings"), json.getBytes(StandardCharsets.UTF_8), d.id(), messageId, "reading",
                "rejected", code, 0, false, d.patientId());
    }

    private static String reading(String type, String value, String unit, String messageId, Instant at) {
        return "{\"messageId\":\"" + messageId + "\",\"measuredAt\":\"" + at + "\",\"observations\":[{\"type\":\"" + type
                + "\",\"value\":" + value + ",\"unit\":\"" + unit + "\"}]}";
    }

    public static Message photo(SimulatedFleet.Device d, String messageId, Instant at, Random r) {
        String json = "{\"messageId\":\"" + messageId + "\",\"takenAt\":\"" + at + "\",\"woundId\":\"w-left-shin-1\","
                + "\"woundType\":\"venous_leg_ulcer\",\"bodySite\":\"left lower leg, medial\",\"lengthCm\":"
                + number(round1(3 + r.nextDouble())) + ",\"widthCm\":" + number(round1(2 + r.nextDouble()))
                + ",\"contentType\":\"image/png\",\"image\":\"" + photoBase64() + "\"}";
        return new Message(topic(d.id(), "photos"), json.getBytes(StandardCharsets.UTF_8), d.id(), messageId, "photo",
                "accepted", "-", 0, false, d.patientId());
    }

    public static Message status(SimulatedFleet.Device d, String messageId, Instant at, Random r) {
        String json = "{\"messageId\":\"" + messageId + "\",\"reportedAt\":\"" + at + "\",\"batteryPercent\":" + (20 + r.nextInt(80))
                + ",\"firmware\":\"2.4.1\",\"signalDbm\":" + (-60 - r.nextInt(40)) + ",\"faults\":[]}";
        return new Message(topic(d.id(), "status"), json.getBytes(StandardCharsets.UTF_8), d.id(), messageId, "status",
                "accepted", "-", 0, false, d.patientId());
    }

    /** A small wound-coloured PNG (drawn once), base64. */
    private static String photoBase64() {
        String cached = photoBase64;
        if (cached == null) {
            BufferedImage image = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(new Color(226, 190, 170));
            g.fillRect(0, 0, 160, 120);
            g.setColor(new Color(150, 40, 40));
            g.fillOval(50, 35, 60, 40);
            g.dispose();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            cached = Base64.getEncoder().encodeToString(out.toByteArray());
            photoBase64 = cached;
        }
        return cached;
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
