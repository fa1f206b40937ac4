package io.umbra.he.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The roots of unity: musl's kernels against Math, and the symmetry that builds the whole circle from an eighth. */
class ComplexRootsTest {

    @Test
    void rootsAreOnTheUnitCircleAndMatchMathWithinAnUlp() {
        double[][] eighth = ComplexRoots.eighthOfCircle(1 << 17);
        for (int i = 0; i < eighth[0].length; i++) {
            double theta = 2 * Math.PI * i / (1 << 17);
            assertEquals(Math.cos(theta), eighth[0][i], Math.ulp(1.0), "cos " + i);
            assertEquals(Math.sin(theta), eighth[1][i], 2 * Math.ulp(Math.sin(theta)), "sin " + i);
        }
        assertEquals(1.0, eighth[0][0]);
        assertEquals(0.0, eighth[1][0]);
    }

    @Test
    void everyRootOfTheCircleIsEToTheTwoPiKOverMWithinAFewUlps() {
        int m = 1 << 12;
        ComplexRoots roots = new ComplexRoots(m);
        double[] z = new double[2];
        for (int k = 0; k < 2 * m; k++) { // indices past m wrap around
            roots.root(k, z);
            int reduced = k % m > m / 2 ? k % m - m : k % m; // the reference angle in [-π, π], where Math is exact
            double theta = 2 * Math.PI * reduced / m;
            assertEquals(Math.cos(theta), z[0], 4 * Math.ulp(1.0), "re " + k);
            assertEquals(Math.sin(theta), z[1], 4 * Math.ulp(1.0), "im " + k);
        }
    }

    @Test
    void theCircleIsExactlySymmetricAsSealBuildsIt() {
        int m = 1 << 10;
        ComplexRoots roots = new ComplexRoots(m);
        double[] a = new double[2];
        double[] b = new double[2];
        for (int k = 0; k <= m / 2; k++) {
            roots.root(k, a);
            roots.root(m - k, b);      // the conjugate, bit for bit
            assertEquals(a[0], b[0], 0.0, "re " + k);
            assertEquals(a[1], -b[1], 0.0, "im " + k);
            roots.root(k + m / 2, b);  // the negation, bit for bit
            assertEquals(-a[0], b[0], 0.0, "re+π " + k);
            assertEquals(-a[1], b[1], 0.0, "im+π " + k);
        }
        roots.root(m / 4, a);
        assertEquals(0.0, a[0]);
        assertEquals(1.0, a[1]);
    }

    @Test
    void refusesAnOrderThatIsNotAPowerOfTwoOfAtLeastEight() {
        assertThrows(IllegalArgumentException.class, () -> new ComplexRoots(4));
        assertThrows(IllegalArgumentException.class, () -> new ComplexRoots(24));
    }
}
