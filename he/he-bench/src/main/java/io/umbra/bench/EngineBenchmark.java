package io.umbra.bench;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.Plaintext;
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
 * One benchmark per row of docs/REFERENCE-FIGURES.md's table, on the engine's public API, at sets (a), (b) and
 * (c) ({@code -p set=a,b,c}). Scores are µs per call; SEAL's figures and the ratio are in
 * docs/HE-BENCHMARKS.md. The calls are those of {@link Workload}, which {@code umbra he bench} runs too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EngineBenchmark {

    @Param({"a", "b", "c"})
    public String set;

    private Workload w;

    @Setup(Level.Trial)
    public void setUp() {
        w = Workload.of(ParameterSet.of(set));
    }

    @Benchmark
    public Plaintext encode() {
        return w.encode();
    }

    @Benchmark
    public Ciphertext encryptPublicKey() {
        return w.encryptPublicKey();
    }

    @Benchmark
    public Ciphertext encryptSymmetric() {
        return w.encryptSymmetric();
    }

    @Benchmark
    public Ciphertext add() {
        return w.add();
    }

    @Benchmark
    public Ciphertext multiplyPlain() {
        return w.multiplyPlain();
    }

    @Benchmark
    public Ciphertext rescaleToNext() {
        return w.rescaleToNext();
    }

    @Benchmark
    public Ciphertext multiply() {
        return w.multiply();
    }

    @Benchmark
    public Ciphertext relinearize() {
        return w.relinearize();
    }

    @Benchmark
    public Ciphertext rotate() {
        return w.rotate();
    }

    @Benchmark
    public Plaintext decrypt() {
        return w.decrypt();
    }

    @Benchmark
    public double[] decode() {
        return w.decode();
    }

    @Benchmark
    public byte[] saveCiphertext() {
        return w.saveCiphertext();
    }

    @Benchmark
    public Ciphertext loadCiphertext() {
        return w.loadCiphertext();
    }
}
