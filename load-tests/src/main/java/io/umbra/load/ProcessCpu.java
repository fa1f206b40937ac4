package io.umbra.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of the Java processes on this machine (the broker, the services, this harness) between two
 * readings of /proc: which process the cores went to during the measured window, the first evidence
 * for a bottleneck. Reads only {@code /proc/<pid>/stat} and {@code cmdline}; on a system without
 * /proc it finds nothing and the report says so.
 */
public final class ProcessCpu {
    /** Linux's USER_HZ: {@code /proc/<pid>/stat} counts CPU time in these ticks on every architecture. */
    private static final double TICKS_PER_SECOND = 100;
    private static final Path PROC = Path.of("/proc");

    /** One reading: ticks per pid, and what each pid runs. */
    public record Reading(long nanoTime, Map<Long, Long> ticks, Map<Long, String> names, long machineBusy, long machineTotal) {
    }

    /**
     * @param pid        the process
     * @param name       what it runs (the jar or main class, and the tenant when its command line names one)
     * @param cpuPercent CPU over the interval, 100 = one core
     */
    public record Usage(long pid, String name, double cpuPercent) {
    }

    private ProcessCpu() {
    }

    public static Reading read() {
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                try {
                    String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').trim();
                    if (!cmdline.contains("java")) {
                        continue;
                    }
                    String stat = Files.readString(dir.resolve("stat"));
                    // the command name in parentheses may hold spaces: fields count from the last ')'
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(dir.getFileName().toString());
                    ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime + stime
                    names.put(pid, nameOf(cmdline, pid));
                } catch (IOException | RuntimeException e) {
                    // the process ended while we looked: it simply is not in this reading
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: an empty reading
        }
        long[] machine = machineTicks();
        return new Reading(System.nanoTime(), ticks, names, machine[0], machine[1]);
    }

    /** Per process between two readings, busiest first; processes missing from either reading are left out. */
    public static List<Usage> between(Reading from, Reading to) {
        return between(from, to, Map.of());
    }

    /** As {@link #between(Reading, Reading)}, with better names for the pids the caller knows (a service and its tenant). */
    public static List<Usage> between(Reading from, Reading to, Map<Long, String> knownNames) {
        double seconds = (to.nanoTime() - from.nanoTime()) / 1e9;
        List<Usage> out = new ArrayList<>();
        if (seconds <= 0) {
            return out;
        }
        for (Map.Entry<Long, Long> e : to.ticks().entrySet()) {
            Long before = from.ticks().get(e.getKey());
            if (before != null) {
                double cpu = (e.getValue() - before) / TICKS_PER_SECOND / seconds * 100;
                out.add(new Usage(e.getKey(), knownNames.getOrDefault(e.getKey(), to.names().get(e.getKey())), cpu));
            }
        }
        out.sort(Comparator.comparingDouble(Usage::cpuPercent).reversed());
        return out;
    }

    /** The whole machine's busy share between two readings, 100 = every core busy; NaN without /proc/stat. */
    public static double machineBusyPercent(Reading from, Reading to) {
        long total = to.machineTotal() - from.machineTotal();
        return total > 0 ? 100.0 * (to.machineBusy() - from.machineBusy()) / total : Double.NaN;
    }

    static String nameOf(String cmdline, long pid) {
        if (ProcessHandle.current().pid() == pid) {
            return "load harness (this JVM)";
        }
        String[] words = cmdline.split(" ");
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.equals("-jar") && i + 1 < words.length) {
                Path jar = Path.of(words[i + 1]);
                // a Quarkus service: <module>/target/quarkus-app/quarkus-run.jar
                Path module = jar.getFileName().toString().equals("quarkus-run.jar") && jar.getNameCount() >= 4
                        ? jar.getParent().getParent().getParent().getFileName() : jar.getFileName();
                return module + tenantIn(words);
            }
        }
        String last = words[words.length - 1];
        for (String w : words) {
            if (w.matches("[a-z][\\w$]*(\\.[\\w$]+)+") && !w.startsWith("-")) {
                last = w; // a main class
                break;
            }
        }
        return last.length() > 60 ? last.substring(0, 60) + "…" : last;
    }

    private static String tenantIn(String[] words) {
        for (String w : words) {
            if (w.startsWith("-Dumbra.tenant=")) {
                return " (" + w.substring("-Dumbra.tenant=".length()) + ")";
            }
        }
        return "";
    }

    private static long[] machineTicks() {
        try {
            String cpu = Files.readAllLines(PROC.resolve("stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal ..."
            String[] f = cpu.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
