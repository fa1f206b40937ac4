package io.umbra.cli.he;

import io.umbra.he.backend.Backends;
import io.umbra.he.backend.HeBackend;
import io.umbra.he.perf.MedianTimer;
import io.umbra.he.perf.Operation;
import io.umbra.he.perf.ParameterSet;
import io.umbra.he.perf.Workload;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code umbra he bench}: the operations of docs/REFERENCE-FIGURES.md on this machine, timed the way SEAL's
 * reference figures were (warm-ups, then at least N calls and T seconds per operation, median), for
 * one or more compute backends ({@code --backend java,native}) measured side by side, operation by
 * operation, and against SEAL measured in the same run: node-seal (SEAL 4.1.2 compiled to
 * WebAssembly, labelled as such) where its Node install is found, never a stored table. Prints JSON.
 * No JMH: a quick look on any machine; he-bench's JMH benchmarks run the same calls for careful
 * measurements.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Time the engine's operations and the 30-feature batch on one or more backends, next to SEAL"
        + " measured in the same run (node-seal: SEAL as WebAssembly), and print JSON: median µs per backend,"
        + " SEAL's µs and the ratio, per set and operation.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--sets", split = ",", defaultValue = "a,b,c",
        description = "Parameter sets to run (a: N=8192, b: N=4096, c: N=16384). Default: ${DEFAULT-VALUE}.")
    List<String> sets;

    @Option(names = "--ops", split = ",",
        description = "Operations to run (default: all; the batch rows only at sets a and b). One of: "
            + "${COMPLETION-CANDIDATES}.", completionCandidates = OperationKeys.class)
    List<String> ops;

    @Option(names = "--backend", split = ",",
        description = "Compute backends to time side by side: java, native, cuda, cuda-host, seal, auto"
            + " (default: the one UMBRA_HE_BACKEND selects). A backend that does not load is an error.")
    List<String> backends;

    @Option(names = "--seal", defaultValue = "auto",
        description = "SEAL measured in the same run: node-seal (SEAL 4.1.2 as WebAssembly, needs he-core's"
            + " test Node install), none, or auto (node-seal where found). Default: ${DEFAULT-VALUE}.")
    String seal;

    @Option(names = "--node-seal-dir",
        description = "Folder of seal-bench.mjs and its node_modules. Default: he/he-core/src/test/node under"
            + " UMBRA_ROOT or the current directory.")
    java.nio.file.Path nodeSealDir;

    @Option(names = "--warmups", defaultValue = "3", description = "Untimed calls first. Default: ${DEFAULT-VALUE}.")
    int warmups;

    @Option(names = "--min-calls", defaultValue = "15", description = "Timed calls at least. Default: ${DEFAULT-VALUE}.")
    int minCalls;

    @Option(names = "--min-seconds", defaultValue = "1", description = "Seconds per operation at least. Default: ${DEFAULT-VALUE}.")
    double minSeconds;

    @Option(names = "--jit-seconds", defaultValue = "3",
        description = "Per set and backend, run the chosen operations round-robin this long before timing anything,"
            + " so the JIT has compiled them (SEAL's native code needs no such step). Default: ${DEFAULT-VALUE}.")
    double jitSeconds;

    static final class OperationKeys extends ArrayList<String> {
        OperationKeys() {
            for (Operation op : Operation.values()) {
                add(op.key());
            }
        }
    }

    @Override
    public Integer call() {
        List<ParameterSet> chosenSets = new ArrayList<>();
        List<Operation> chosenOps = new ArrayList<>();
        Map<String, HeBackend> chosenBackends = new LinkedHashMap<>();
        try {
            for (String s : sets) {
                chosenSets.add(ParameterSet.of(s));
            }
            if (ops == null || ops.isEmpty()) {
                chosenOps.addAll(List.of(Operation.values()));
            } else {
                for (String o : ops) {
                    chosenOps.add(Operation.of(o));
                }
            }
            if (warmups < 0 || minCalls < 1 || !(minSeconds >= 0) || !(jitSeconds >= 0)) {
                throw new IllegalArgumentException("--warmups must be >= 0, --min-calls >= 1, --min-seconds and --jit-seconds >= 0");
            }
            if (!List.of("auto", "node-seal", "none").contains(seal)) {
                throw new IllegalArgumentException("--seal must be auto, node-seal or none");
            }
            if (backends == null || backends.isEmpty()) {
                HeBackend b = Backends.current();
                chosenBackends.put(b.name(), b);
            } else {
                for (String name : backends) {
                    HeBackend b = Backends.create(name.trim());
                    chosenBackends.put(b.name(), b);
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        MedianTimer timer = new MedianTimer(warmups, minCalls, (long) (minSeconds * 1e9));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean explicitOps = ops != null && !ops.isEmpty();

        SealReference reference = SealReference.NONE;
        if (!seal.equals("none")) {
            reference = SealReference.nodeSeal(nodeSealDir, chosenSets, chosenOps, warmups, minCalls, minSeconds, err);
            if (reference.failure() != null) {
                if (seal.equals("node-seal")) {
                    err.println("umbra he bench: " + reference.failure());
                    return 1;
                }
                err.println("umbra he bench: no SEAL measured in this run (" + reference.failure() + ")");
            }
        }

        StringBuilder json = new StringBuilder();
        json.append("{\n");
        json.append("  \"date\": ").append(quote(Instant.now().toString())).append(",\n");
        json.append("  \"jdk\": ").append(quote(System.getProperty("java.vm.name") + " " + Runtime.version())).append(",\n");
        json.append("  \"cpus\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        json.append("  \"backends\": ").append(quoteAll(chosenBackends.keySet())).append(",\n");
        json.append("  \"seal\": ").append(reference.engine() == null ? "null" : quote(reference.engine())).append(",\n");
        json.append("  \"method\": ").append(quote(fmt(jitSeconds) + " s of JIT warm-up per set and backend, then per operation "
            + warmups + " warm-ups, >= " + minCalls + " calls and >= " + fmt(minSeconds) + " s; median; backends one after the"
            + " other per operation; SEAL in its own process in the same run")).append(",\n");
        json.append("  \"sets\": {");
        String setSep = "\n";
        for (ParameterSet set : chosenSets) {
            err.printf("umbra he bench: set %s (N=%d): keys and inputs ...%n", set.id(), set.n());
            err.flush();
            List<Operation> here = new ArrayList<>();
            for (Operation op : chosenOps) {
                if (!(op.batch() && set == ParameterSet.C && !explicitOps)) {
                    here.add(op); // docs/REFERENCE-FIGURES.md has the batch at sets a and b only
                }
            }
            Map<String, Workload> workloads = new LinkedHashMap<>();
            for (Map.Entry<String, HeBackend> b : chosenBackends.entrySet()) {
                Workload w = Workload.of(set, b.getValue());
                long jitEnd = System.nanoTime() + (long) (jitSeconds * 1e9);
                while (System.nanoTime() < jitEnd && !here.isEmpty()) {
                    for (Operation op : here) {
                        w.run(op);
                    }
                }
                workloads.put(b.getKey(), w);
            }
            json.append(setSep).append("    ").append(quote(set.id())).append(": {\n");
            setSep = ",\n";
            json.append("      \"n\": ").append(set.n()).append(",\n");
            json.append("      \"bits\": ").append(java.util.Arrays.toString(set.bitSizes())).append(",\n");
            json.append("      \"scale\": ").append(fmt(set.scale())).append(",\n");
            json.append("      \"operations\": {");
            String opSep = "\n";
            for (Operation op : here) {
                double sealUs = reference.micros(set, op);
                json.append(opSep).append("        ").append(quote(op.key())).append(": {");
                opSep = ",\n";
                String sep = "";
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-26s", op.key()));
                for (Map.Entry<String, Workload> w : workloads.entrySet()) {
                    MedianTimer.Result r = timer.measure(() -> w.getValue().run(op));
                    double us = r.medianMicros();
                    json.append(sep).append(quote(w.getKey())).append(": {\"median_us\": ").append(fmt(us));
                    json.append(", \"calls\": ").append(r.calls());
                    json.append(", \"ratio_to_seal\": ").append(Double.isNaN(sealUs) ? "null" : String.format(Locale.ROOT, "%.3f", us / sealUs));
                    if (op.batch()) {
                        json.append(", \"tx_per_s\": ").append(Math.round(set.slots() / (us / 1e6)));
                    }
                    json.append("}");
                    sep = ", ";
                    line.append(String.format(Locale.ROOT, " %s %10.1f µs", w.getKey(), us));
                    if (!Double.isNaN(sealUs)) {
                        line.append(String.format(Locale.ROOT, " (%.2f×)", us / sealUs));
                    }
                }
                json.append(", \"seal_us\": ").append(Double.isNaN(sealUs) ? "null" : fmt(sealUs)).append("}");
                line.append(Double.isNaN(sealUs) ? "   SEAL -" : String.format(Locale.ROOT, "   SEAL %.1f µs", sealUs));
                err.println(line);
                err.flush();
            }
            json.append("\n      }\n    }");
        }
        json.append("\n  }\n}\n");
        out.print(json);
        out.flush();
        return 0;
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String quoteAll(Iterable<String> names) {
        StringBuilder sb = new StringBuilder("[");
        for (String n : names) {
            sb.append(sb.length() > 1 ? ", " : "").append(quote(n));
        }
        return sb.append("]").toString();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
