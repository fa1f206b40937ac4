package io.umbra.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process, all its threads, from {@code /proc/<pid>/stat} (utime + stime, fields 14 and 15,
 * in clock ticks of 1/100 s on Linux): what {@code top} shows, read without a tool.
 */
final class ProcessCpu {
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** Seconds of CPU the process has used so far. */
    static double seconds(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of pid " + pid + " (is it alive? Linux only)", e);
        }
        // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    /** The share of one core {@code pid} used over {@code millis} from now (1.0: a whole core). */
    static double shareOfACore(long pid, long millis) throws InterruptedException {
        double before = seconds(pid);
        long start = System.nanoTime();
        Thread.sleep(millis);
        double after = seconds(pid);
        return (after - before) / ((System.nanoTime() - start) / 1e9);
    }

    /** The share of one core each of {@code pids} (by name) used over the same {@code millis} from now. */
    static java.util.Map<String, Double> sharesOfACore(java.util.Map<String, Long> pids, long millis) throws InterruptedException {
        java.util.Map<String, Double> before = new java.util.LinkedHashMap<>();
        pids.forEach((name, pid) -> before.put(name, seconds(pid)));
        long start = System.nanoTime();
        Thread.sleep(millis);
        double elapsed = (System.nanoTime() - start) / 1e9;
        java.util.Map<String, Double> shares = new java.util.LinkedHashMap<>();
        pids.forEach((name, pid) -> shares.put(name, (seconds(pid) - before.get(name)) / elapsed));
        return shares;
    }
}
