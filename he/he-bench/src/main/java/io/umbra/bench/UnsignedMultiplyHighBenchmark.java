package io.umbra.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time per 64x64 -> high-64 unsigned multiply over a polynomial's worth of coefficients (N = 4096),
 * the shape of the engine's hot loops. Scores are nanoseconds per multiply.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(UnsignedMultiplyHighBenchmark.N)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UnsignedMultiplyHighBenchmark {

    static final int N = 4096;

    private final long[] a = new long[N];
    private final long[] b = new long[N];

    @Setup
    public void fill() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < N; i++) {
            a[i] = random.nextLong();
            b[i] = random.nextLong();
        }
        // A fast wrong answer is worth nothing: refuse to measure if the variants disagree.
        if (intrinsic() != fromSignedHigh() || intrinsic() != from32BitLimbs()) {
            throw new IllegalStateException("the multiply variants disagree");
        }
    }

    @Benchmark
    public long intrinsic() {
        long acc = 0;
        for (int i = 0; i < N; i++) {
            acc += Math.unsignedMultiplyHigh(a[i], b[i]);
        }
        return acc;
    }

    @Benchmark
    public long fromSignedHigh() {
        long acc = 0;
        for (int i = 0; i < N; i++) {
            acc += WideMultiply.fromSignedHigh(a[i], b[i]);
        }
        return acc;
    }

    @Benchmark
    public long from32BitLimbs() {
        long acc = 0;
        for (int i = 0; i < N; i++) {
            acc += WideMultiply.from32BitLimbs(a[i], b[i]);
        }
        return acc;
    }
}
