package io.umbra.bench;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.perf.ParameterSet;
import io.umbra.he.perf.Workload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The 30-feature linear fraud model on one batch of N/2 transactions (docs/REFERENCE-FIGURES.md), at sets (a)
 * and (b): encode + encrypt the 30 feature columns (public key; symmetric), score them with one fused
 * weighted sum plus bias, decrypt + decode the score. Scores are µs per batch; transactions per
 * second are (N/2) / score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LinearModelBenchmark {

    @Param({"a", "b"})
    public String set;

    private Workload w;

    @Setup(Level.Trial)
    public void setUp() {
        w = Workload.of(ParameterSet.of(set));
        double error = w.scoreError();
        if (!(error < 1e-3)) {
            throw new IllegalStateException("the encrypted score is off by " + error);
        }
    }

    @Benchmark
    public Ciphertext[] encryptPublicKey() {
        return w.encryptBatchPublicKey();
    }

    @Benchmark
    public Ciphertext[] encryptSymmetric() {
        return w.encryptBatchSymmetric();
    }

    @Benchmark
    public Ciphertext score() {
        return w.scoreBatch();
    }

    @Benchmark
    public double[] decryptDecode() {
        return w.decryptDecodeScore();
    }
}
