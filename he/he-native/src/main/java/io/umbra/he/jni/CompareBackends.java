package io.umbra.he.jni;

import io.umbra.he.backend.Backends;
import io.umbra.he.backend.HeBackend;
import io.umbra.he.perf.MedianTimer;
import io.umbra.he.perf.Operation;
import io.umbra.he.perf.ParameterSet;
import io.umbra.he.perf.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A quick side-by-side table of backends for gpu-check.sh (and anyone without the CLI at hand):
 * {@code CompareBackends [sets=a,b,c] [backends=java,native,cuda] [seconds=0.3]} prints one Markdown
 * table per set, median µs per operation and backend and each backend's ratio to the first one.
 * Backends that do not load are left out with their reason. Short timings: an indication, not a
 * benchmark (use he-bench's JMH benchmarks or {@code umbra he bench} for those).
 */
public final class CompareBackends {
    private CompareBackends() {
    }

    public static void main(String[] args) {
        String sets = "a,b,c";
        String names = "java,native,cuda";
        double seconds = 0.3;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "sets" -> sets = kv[1];
                case "backends" -> names = kv[1];
                case "seconds" -> seconds = Double.parseDouble(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + a + " (sets=, backends=, seconds=)");
            }
        }
        List<HeBackend> backends = new ArrayList<>();
        for (String name : names.split(",")) {
            try {
                backends.add(Backends.create(name.trim()));
            } catch (RuntimeException e) {
                System.out.println("(" + name + " left out: " + e.getMessage() + ")");
            }
        }
        MedianTimer timer = new MedianTimer(2, 5, (long) (seconds * 1e9));
        for (String id : sets.split(",")) {
            ParameterSet set = ParameterSet.of(id.trim());
            List<Workload> w = new ArrayList<>();
            for (HeBackend b : backends) {
                w.add(Workload.of(set, b));
            }
            StringBuilder head = new StringBuilder("\n### set (" + set.id() + ") N=" + set.n() + "\n\n| operation |");
            StringBuilder rule = new StringBuilder("| --- |");
            for (HeBackend b : backends) {
                head.append(' ').append(b.name()).append(" µs |");
                rule.append(" ---: |");
            }
            for (int i = 1; i < backends.size(); i++) {
                head.append(' ').append(backends.get(i).name()).append('/').append(backends.get(0).name()).append(" |");
                rule.append(" ---: |");
            }
            System.out.println(head);
            System.out.println(rule);
            for (Operation op : Operation.values()) {
                if (op.batch() && set == ParameterSet.C) {
                    continue;
                }
                double[] us = new double[backends.size()];
                StringBuilder row = new StringBuilder("| " + op.key() + " |");
                for (int i = 0; i < backends.size(); i++) {
                    Workload wi = w.get(i);
                    us[i] = timer.measure(() -> wi.run(op)).medianMicros();
                    row.append(String.format(Locale.ROOT, " %.1f |", us[i]));
                }
                for (int i = 1; i < backends.size(); i++) {
                    row.append(String.format(Locale.ROOT, " %.2f |", us[i] / us[0]));
                }
                System.out.println(row);
            }
        }
    }
}
