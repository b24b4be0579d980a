package dk.fsc.tools.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A short CPU profile of the system from its Java Flight Recorder file ({@code --profile}): the
 * methods most often on top of the stack in execution samples, by thread, and the project's own
 * methods most often anywhere in a sampled stack.
 */
final class Profile {
    private Profile() {
    }

    static void print(Path jfr, int top) throws IOException {
        Map<String, Integer> selfTime = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> ownCode = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            selfTime.merge(name(frames.get(0)), 1, Integer::sum);
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            threads.merge(thread == null ? "?" : thread.replaceAll("-\\d+$", "-N"), 1, Integer::sum);
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (n.startsWith("dk.fsc") && seen.add(n)) {
                    ownCode.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.println();
        System.out.println("Profile of the system (" + samples + " execution samples, " + jfr + ")");
        printTop("threads", threads, samples, 10);
        printTop("methods on top of the stack (self)", selfTime, samples, top);
        printTop("project methods anywhere in the stack (total)", ownCode, samples, top);
    }

    private static void printTop(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.println();
        System.out.println("| " + title + " | share of samples |");
        System.out.println("|---|---|");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.1f %% |%n", e.getKey(), 100.0 * e.getValue() / Math.max(1, samples)));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
