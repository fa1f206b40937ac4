package io.umbra.cli.he;

import io.umbra.cli.CommandRun;
import static io.umbra.cli.CommandRun.umbra;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen → encrypt → eval-linear → decrypt through the command line, at the default parameters (N=8192, scale 2^40). */
class HeRoundTripTest {
    private static final int SLOTS = 4096;

    @TempDir
    static Path dir;
    static Path params;
    static Path secretKey;
    static Path publicKey;
    static Path relinKeys;
    static Path galoisKeys;

    @BeforeAll
    static void parametersAndKeys() {
        params = dir.resolve("params.seal");
        secretKey = dir.resolve("secret.key");
        publicKey = dir.resolve("public.key");
        relinKeys = dir.resolve("relin.keys");
        galoisKeys = dir.resolve("galois.keys");
        umbra("he", "params", "--out", params).ok();
        CommandRun keygen = umbra("he", "keygen", "--params", params, "--secret-key", secretKey, "--public-key", publicKey,
                "--relin-keys", relinKeys, "--galois-keys", galoisKeys, "--steps", "1").ok();
        assertTrue(keygen.out().contains("secret.key"), keygen.out());
    }

    @Test
    void secretKeyIsOwnerOnly() throws Exception {
        if (Files.getFileStore(secretKey).supportsFileAttributeView(PosixFileAttributeView.class)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretKey)));
        }
    }

    @Test
    void encryptedLinearScoreMatchesThePlaintextFormula() throws Exception {
        Random random = new Random(7);
        double[][] columns = new double[3][];
        Path[] cts = new Path[3];
        int[] counts = {SLOTS, SLOTS, 1000}; // the short column's other slots are zero
        for (int f = 0; f < 3; f++) {
            double[] column = random.doubles(counts[f], -10, 10).toArray();
            columns[f] = column;
            Path values = dir.resolve("x" + f + ".txt");
            Files.writeString(values, "# feature " + f + "\n" + IntStream.range(0, column.length)
                    .mapToObj(i -> Double.toString(column[i])).collect(Collectors.joining("\n", "", "\n")));
            cts[f] = dir.resolve("x" + f + ".ct");
            umbra("he", "encrypt", "--params", params, "--public-key", publicKey, "--scale", "2^40", "--in", values, "--out", cts[f]).ok();
        }
        double[] w = {0.75, -1.5, 0.125};
        double bias = -2.5;
        Path model = dir.resolve("model.json");
        Files.writeString(model, String.format(Locale.ROOT, "{\"weights\": [%s, %s, %s], \"bias\": %s}", w[0], w[1], w[2], bias));
        Path scores = dir.resolve("scores.ct");
        CommandRun eval = umbra("he", "eval-linear", "--params", params, "--weights", model,
                "--in", cts[0] + "," + cts[1], "--in", cts[2], "--out", scores).ok();
        assertTrue(eval.out().contains("scale 2^40 to 2^40"), eval.out());

        CommandRun decrypt = umbra("he", "decrypt", "--params", params, "--secret-key", secretKey, "--in", scores).ok();
        List<String> lines = decrypt.out().lines().toList();
        assertEquals(SLOTS, lines.size(), "one line per slot, nothing else");
        assertEquals("", decrypt.err());
        double maxError = 0;
        for (int t = 0; t < SLOTS; t++) {
            double expected = bias;
            for (int f = 0; f < 3; f++) {
                expected += t < counts[f] ? w[f] * columns[f][t] : 0;
            }
            maxError = Math.max(maxError, Math.abs(Double.parseDouble(lines.get(t)) - expected));
        }
        assertTrue(maxError < 1e-4, "max error " + maxError);
    }

    @Test
    void decryptPrintsEverySlotOfAFreshCiphertext() throws Exception {
        Path values = dir.resolve("three.txt");
        Files.writeString(values, "1.5\n\n  -2   # a comment\n0.25\n");
        Path ct = dir.resolve("three.ct");
        umbra("he", "encrypt", "--params", params, "--public-key", publicKey, "--scale", "1099511627776", "--in", values, "--out", ct).ok();
        List<String> lines = umbra("he", "decrypt", "--params", params, "--secret-key", secretKey, "--in", ct).ok().out().lines().toList();
        assertEquals(SLOTS, lines.size());
        double[] expected = {1.5, -2, 0.25, 0, 0};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], Double.parseDouble(lines.get(i)), 1e-6, "slot " + i);
        }
    }

    @Test
    void compressedFilesRoundTrip() throws Exception {
        Path values = dir.resolve("one.txt");
        Files.writeString(values, "42\n");
        Path zstd = dir.resolve("one.zstd.ct");
        umbra("he", "encrypt", "--params", params, "--public-key", publicKey, "--scale", "2^40", "--in", values, "--out", zstd,
                "--compression", "zstd").ok();
        assertTrue(Files.size(zstd) < 393_329, "zstd smaller than the uncompressed 393,329 bytes");
        assertTrue(umbra("he", "inspect", zstd).ok().out().contains("compression zstd"));
        String first = umbra("he", "decrypt", "--params", params, "--secret-key", secretKey, "--in", zstd).ok().out().lines().findFirst().orElseThrow();
        assertEquals(42, Double.parseDouble(first), 1e-6);
    }

    @Test
    void inspectNamesTheKind() throws Exception {
        Path values = dir.resolve("k.txt");
        Files.writeString(values, "1\n");
        Path ct = dir.resolve("k.ct");
        umbra("he", "encrypt", "--params", params, "--public-key", publicKey, "--scale", "2^40", "--in", values, "--out", ct).ok();

        assertTrue(umbra("he", "inspect", params).ok().out().contains("kind: encryption parameters"));
        assertTrue(umbra("he", "inspect", ct).ok().out().contains("kind: ciphertext"));
        assertTrue(umbra("he", "inspect", relinKeys).ok().out().contains("kind: relinearization keys"));
        assertTrue(umbra("he", "inspect", galoisKeys).ok().out().contains("kind: Galois keys"));
        // Keys are told apart from data by their level, which needs the parameters.
        assertTrue(umbra("he", "inspect", "--params", params, publicKey).ok().out().contains("kind: public key"));
        assertTrue(umbra("he", "inspect", "--params", params, secretKey).ok().out().contains("kind: secret key"));
        CommandRun valid = umbra("he", "inspect", "--params", params, ct).ok();
        assertTrue(valid.out().contains("kind: ciphertext") && valid.out().contains("valid for the given context: yes"), valid.out());

        Path text = dir.resolve("not-seal.txt");
        Files.writeString(text, "hello\n");
        assertTrue(umbra("he", "inspect", text).isOneLineFailure("he "));
    }

    @Test
    void badValuesNameTheLine() throws Exception {
        Path values = dir.resolve("bad.txt");
        Files.writeString(values, "# header\n1.0\nabc\n");
        CommandRun run = umbra("he", "encrypt", "--params", params, "--public-key", publicKey, "--scale", "2^40",
                "--in", values, "--out", dir.resolve("bad.ct"));
        assertTrue(run.isOneLineFailure("he "), run.toString());
        assertTrue(run.err().contains("line 3") && run.err().contains("abc"), run.err());

        Files.writeString(values, "NaN\n");
        assertTrue(umbra("he", "encrypt", "--params", params, "--public-key", publicKey, "--scale", "2^40",
                "--in", values, "--out", dir.resolve("bad.ct")).err().contains("line 1"));

        Files.writeString(values, "1\n".repeat(SLOTS + 1));
        CommandRun tooMany = umbra("he", "encrypt", "--params", params, "--public-key", publicKey, "--scale", "2^40",
                "--in", values, "--out", dir.resolve("bad.ct"));
        assertTrue(tooMany.isOneLineFailure("he ") && tooMany.err().contains("line " + (SLOTS + 1)) && tooMany.err().contains("4096"), tooMany.err());
        assertTrue(Files.notExists(dir.resolve("bad.ct")));
    }

    @Test
    void wrongFilesAreOneLineFailures() throws Exception {
        Path values = dir.resolve("w.txt");
        Files.writeString(values, "1\n2\n");
        Path ct = dir.resolve("w.ct");
        umbra("he", "encrypt", "--params", params, "--public-key", publicKey, "--scale", "2^40", "--in", values, "--out", ct).ok();

        // missing file, a key where a key of another kind belongs, a text file where a ciphertext belongs
        assertTrue(umbra("he", "encrypt", "--params", params, "--public-key", dir.resolve("nope"), "--scale", "2^40",
                "--in", values, "--out", ct).isOneLineFailure("he "));
        assertTrue(umbra("he", "encrypt", "--params", params, "--public-key", secretKey, "--scale", "2^40",
                "--in", values, "--out", ct).isOneLineFailure("he "));
        assertTrue(umbra("he", "decrypt", "--params", params, "--secret-key", publicKey, "--in", ct).isOneLineFailure("he "));
        assertTrue(umbra("he", "decrypt", "--params", params, "--secret-key", secretKey, "--in", values).isOneLineFailure("he "));
        assertTrue(umbra("he", "keygen", "--params", publicKey, "--secret-key", dir.resolve("sk2"), "--public-key", dir.resolve("pk2"))
                .isOneLineFailure("he "));
        // a scale the level cannot hold is the engine's message
        assertTrue(umbra("he", "encrypt", "--params", params, "--public-key", publicKey, "--scale", "2^150",
                "--in", values, "--out", dir.resolve("big.ct")).isOneLineFailure("he "));
    }

    @Test
    void evalLinearNeedsOneWeightPerCiphertext() throws Exception {
        Path values = dir.resolve("e.txt");
        Files.writeString(values, "1\n");
        Path ct = dir.resolve("e.ct");
        umbra("he", "encrypt", "--params", params, "--public-key", publicKey, "--scale", "2^40", "--in", values, "--out", ct).ok();
        Path model = dir.resolve("two.json");
        Files.writeString(model, "{\"weights\": [1, 2], \"bias\": 0}");
        CommandRun run = umbra("he", "eval-linear", "--params", params, "--weights", model, "--in", ct, "--out", dir.resolve("e.out"));
        assertTrue(run.isOneLineFailure("he "), run.toString());
        assertTrue(run.err().contains("2 weights for 1 input ciphertext"), run.err());

        Files.writeString(model, "{\"weights\": [1], \"bais\": 3}");
        assertTrue(umbra("he", "eval-linear", "--params", params, "--weights", model, "--in", ct, "--out", dir.resolve("e.out"))
                .err().contains("\"bais\""));
        Files.writeString(model, "{\"weights\": [1,");
        assertTrue(umbra("he", "eval-linear", "--params", params, "--weights", model, "--in", ct, "--out", dir.resolve("e.out"))
                .isOneLineFailure("he "));
        Files.writeString(model, "{\"weights\": [\"1\"]}");
        assertTrue(umbra("he", "eval-linear", "--params", params, "--weights", model, "--in", ct, "--out", dir.resolve("e.out"))
                .err().contains("weights[0]"));
    }
}
