package dk.fsc.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * CPU time and memory of the processes a benchmark phase involves, from /proc (Linux): CPU as
 * user + system time over the phase (100 % = one core busy), memory as the peak of the group's
 * proportional set size (PSS: shared pages split among the processes sharing them, so the
 * database's shared buffers count once), sampled twice a second.
 */
final class ProcessStats implements AutoCloseable {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** One group's figures for a phase. */
    record Usage(double cpuPercent, double peakMemoryMb) {
    }

    private final Map<String, Supplier<List<Long>>> groups = new LinkedHashMap<>();
    private final Map<String, Long> ticksAtStart = new LinkedHashMap<>();
    private final Map<String, Double> peakKb = new LinkedHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;
    private long startedNanos;

    ProcessStats() {
        sampler = new Thread(this::sample, "bench-process-stats");
        sampler.setDaemon(true);
        sampler.start();
    }

    static boolean available() {
        return Files.isDirectory(Path.of("/proc/self"));
    }

    /** Processes of a group, looked up at each sample (a restarted process gets a new pid). */
    synchronized void watch(String group, Supplier<List<Long>> pids) {
        groups.put(group, pids);
    }

    static List<Long> byCommand(String command) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    if (Files.readString(p.resolve("comm")).strip().equals(command)) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            });
        } catch (IOException e) {
            return pids;
        }
        return pids;
    }

    /** Starts a phase: CPU counted from now, peaks reset. */
    synchronized void begin() {
        startedNanos = System.nanoTime();
        ticksAtStart.clear();
        peakKb.clear();
        groups.forEach((name, pids) -> ticksAtStart.put(name, ticks(pids.get())));
    }

    /** The phase's figures per group. */
    synchronized Map<String, Usage> end() {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        Map<String, Usage> usage = new LinkedHashMap<>();
        groups.forEach((name, pids) -> {
            long ticks = ticks(pids.get()) - ticksAtStart.getOrDefault(name, 0L);
            usage.put(name, new Usage(Math.max(0, ticks) / TICKS_PER_SECOND / seconds * 100, peakKb.getOrDefault(name, 0.0) / 1024));
        });
        return usage;
    }

    private void sample() {
        while (running) {
            synchronized (this) {
                groups.forEach((name, pids) -> {
                    double kb = 0;
                    for (long pid : pids.get()) {
                        kb += pssKb(pid);
                    }
                    peakKb.merge(name, kb, Math::max);
                });
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** utime + stime of the processes (children that ended are not counted). */
    private static long ticks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                sum += statTicks(Path.of("/proc", String.valueOf(pid), "stat"));
            } catch (IOException | RuntimeException gone) {
                // ended
            }
        }
        return sum;
    }

    /** utime + stime from a process's or thread's {@code stat} file (the fields after the name in parentheses). */
    private static long statTicks(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * CPU seconds the JVM's JIT compiler threads of a process have used so far (threads named
     * "C1 CompilerThread…" and "C2 CompilerThread…"; Linux cuts a thread's name to 15 characters).
     * A compiler thread that ended is not counted: the JVM stops extra ones when they are idle, so
     * where it runs more than one of a kind (more than two cores) this is a lower bound.
     */
    static double compilerSeconds(long pid) {
        long sum = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        sum += statTicks(task.resolve("stat"));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0; // the process ended
        }
        return sum / TICKS_PER_SECOND;
    }

    private static double pssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // ended, or not allowed to look
        }
        return 0;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
