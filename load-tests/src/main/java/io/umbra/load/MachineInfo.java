package io.umbra.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a run was measured on, for the report: a figure without its machine means little.
 *
 * @param processors what the JVM sees ({@code nproc})
 * @param cpuModel   {@code model name} from /proc/cpuinfo, or the JVM's os.arch where there is none
 * @param memoryMiB  MemTotal from /proc/meminfo, or -1 where there is none
 * @param os         os.name and os.version
 * @param java       the JVM's version and vendor
 */
public record MachineInfo(int processors, String cpuModel, long memoryMiB, String os, String java) {

    public static MachineInfo current() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(),
                cpuModel(readLines(Path.of("/proc/cpuinfo"))),
                memTotalMiB(readLines(Path.of("/proc/meminfo"))),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")");
    }

    static String cpuModel(List<String> cpuinfo) {
        for (String line : cpuinfo) {
            if (line.startsWith("model name")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    return line.substring(colon + 1).trim();
                }
            }
        }
        return "unknown (" + System.getProperty("os.arch") + ")";
    }

    static long memTotalMiB(List<String> meminfo) {
        for (String line : meminfo) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                try {
                    return Long.parseLong(parts[0]) / 1024; // kB
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
