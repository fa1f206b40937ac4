package io.umbra.cli.he;

import io.umbra.cli.CommandRun;
import static io.umbra.cli.CommandRun.umbra;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class HeDemoCommandTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60) // a few seconds on a laptop; generous for a loaded CI machine
    void smallDemoScoresABatchEndToEnd() {
        CommandRun run = umbra("he", "demo", "--small").ok();
        String out = run.out();
        for (String step : new String[] {"1. [bank] encryption parameters", "2. [bank] keys", "3. [bank] transactions",
            "4. [bank] encrypt the features", "5. [scoring pool] encrypted linear score", "6. [bank] decrypt", "7. the 5 most suspicious"}) {
            assertTrue(out.contains(step), step + " missing in\n" + out);
        }
        assertTrue(out.contains("2,048 synthetic card transactions x 30"), out);
        assertTrue(out.contains("ciphertext bytes per transaction"), out);
        Matcher error = Pattern.compile("logit error: (\\S+)").matcher(out);
        assertTrue(error.find(), out);
        assertTrue(Double.parseDouble(error.group(1)) < 1e-3, out);
        assertEquals("", run.err());
    }

    @Test
    @Timeout(60)
    void outDirHoldsFilesTheOtherCommandsReplay() throws Exception {
        umbra("he", "demo", "--small", "--transactions", 100, "--top", 2, "--out-dir", dir).ok();
        String features = IntStream.range(0, 30).mapToObj(f -> dir.resolve(String.format("feature-%02d.ct", f)).toString())
                .collect(Collectors.joining(","));
        Path again = dir.resolve("scores-again.ct");
        umbra("he", "eval-linear", "--params", dir.resolve("params.seal"), "--weights", dir.resolve("model.json"),
                "--in", features, "--out", again).ok();
        List<String> demo = umbra("he", "decrypt", "--params", dir.resolve("params.seal"), "--secret-key", dir.resolve("secret.key"),
                "--in", dir.resolve("scores.ct")).ok().out().lines().toList();
        List<String> replay = umbra("he", "decrypt", "--params", dir.resolve("params.seal"), "--secret-key", dir.resolve("secret.key"),
                "--in", again).ok().out().lines().toList();
        assertEquals(2048, replay.size());
        for (int t = 0; t < 100; t++) {
            assertEquals(Double.parseDouble(demo.get(t)), Double.parseDouble(replay.get(t)), 1e-3, "transaction " + t);
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertTrue(umbra("he", "demo", "--small", "--transactions", 5000).isUsageError("he"));
        assertTrue(umbra("he", "demo", "--transactions", 0).isUsageError("he"));
        assertTrue(umbra("he", "demo", "--seed", "x").isUsageError("he"));
        assertTrue(umbra("he", "demo", "--top", -1).isUsageError("he"));
    }
}
