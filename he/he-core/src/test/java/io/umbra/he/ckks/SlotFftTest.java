package io.umbra.he.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The slot FFT on its own: the inverse (encode's direction, with its last-pass factor) and the forward
 * transform undo each other, and the forward transform is the evaluation at the odd powers of the 2N-th
 * root that CKKS's slots are. Bit identity with SEAL is the encoder's tests' business.
 */
class SlotFftTest {

    @Test
    void theInverseWithFactorOneOverNThenTheForwardGiveTheInputBack() {
        for (int logN : new int[] {2, 3, 10, 13}) {
            int n = 1 << logN;
            SlotFft fft = new SlotFft(logN);
            Random r = new Random(logN);
            double[] re = new double[n];
            double[] im = new double[n];
            double[] re0 = new double[n];
            double[] im0 = new double[n];
            for (int i = 0; i < n; i++) {
                re0[i] = re[i] = r.nextDouble() * 2 - 1;
                im0[i] = im[i] = r.nextDouble() * 2 - 1;
            }
            fft.inverse(re, im, 1.0 / n);
            fft.forward(re, im);
            for (int i = 0; i < n; i++) {
                assertEquals(re0[i], re[i], 1e-12, "N=" + n + " re " + i);
                assertEquals(im0[i], im[i], 1e-12, "N=" + n + " im " + i);
            }
        }
    }

    @Test
    void theForwardTransformEvaluatesThePolynomialAtOddPowersOfTheRoot() {
        int logN = 4;
        int n = 1 << logN;
        Random r = new Random(3);
        double[] coefficients = new double[n];
        for (int i = 0; i < n; i++) {
            coefficients[i] = r.nextDouble() * 2 - 1;
        }
        double[] re = coefficients.clone();
        double[] im = new double[n];
        new SlotFft(logN).forward(re, im);
        // Output j (bit-reversed order) is p(ζ^(2·rev(j)+1)) with ζ = e^(πi/N).
        for (int j = 0; j < n; j++) {
            int power = 2 * (Integer.reverse(j) >>> (32 - logN)) + 1;
            double sumRe = 0;
            double sumIm = 0;
            for (int i = 0; i < n; i++) {
                double theta = Math.PI * power * i / n;
                sumRe += coefficients[i] * Math.cos(theta);
                sumIm += coefficients[i] * Math.sin(theta);
            }
            assertEquals(sumRe, re[j], 1e-12, "re " + j);
            assertEquals(sumIm, im[j], 1e-12, "im " + j);
        }
    }
}
