package io.umbra.he.random;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The engine's generator for secret randomness: the keystream of a stream cipher keyed from the
 * operating system, one instance per thread. This is the construction of NIST SP 800-90A's CTR_DRBG
 * (AES-256 in counter mode; without derivation function or additional input) and of the ChaCha20
 * generators of Linux and OpenBSD, run through the JDK's own {@code javax.crypto} ciphers so the
 * block function is HotSpot's hardware-accelerated intrinsic.
 *
 * <ul>
 *   <li>Cipher: AES-256-CTR where HotSpot runs AES-CTR as an intrinsic (AES-NI / ARMv8 crypto,
 *       several GB/s and constant-time; see {@link #aesCtrIsIntrinsic()} for how that is detected on
 *       JDKs where the intrinsic flags are diagnostic), otherwise ChaCha20 (constant-time in
 *       software). {@link #algorithm()} says which. The key
 *       and IV come from {@code NativePRNGNonBlocking} (/dev/urandom).</li>
 *   <li>Backtracking resistance: every {@value #REKEY_BYTES} bytes the generator takes a new key
 *       and IV from its own keystream and forgets the old ones, so a later memory dump cannot
 *       recompute noise used before that.</li>
 *   <li>Reseeding: every {@value #RESEED_BYTES} bytes the key comes from the operating system again.</li>
 *   <li>Few bits per sample: a ternary value takes 1.6 bits (bytes below 243 = 3^5 give five of
 *       them; others are rejected), a centered-binomial value its 42 coin flips exactly (three
 *       values per two words).</li>
 * </ul>
 *
 * <p>Why not SEAL's BLAKE2xb stream, as before: it ran at about 250 MB/s and a {@code SecureRandom}
 * was created per encryption (about 100 µs); noise and ternary values never leave the process, so
 * nothing but their distribution has to match SEAL. The BLAKE2xb stream is still what expands a
 * public seed into c1 ({@link Sampler#uniform}), where SEAL must regenerate the same words.
 *
 * <p>Not thread-safe: use {@link #perThread()}.
 */
public final class KeystreamNoise implements NoiseSource {
    /** Keystream bytes generated per refill. */
    private static final int BUFFER_BYTES = 16 * 1024;
    /** Bytes of output between two keys taken from the keystream itself. */
    public static final long REKEY_BYTES = 1L << 20;
    /** Bytes of output between two keys taken from the operating system. */
    public static final long RESEED_BYTES = 1L << 30;

    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final boolean AES = aesCtrIsIntrinsic();
    private static final ThreadLocal<KeystreamNoise> PER_THREAD = ThreadLocal.withInitial(KeystreamNoise::new);

    private final byte[] zeros = new byte[BUFFER_BYTES];
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private final byte[] key = new byte[32];
    private final byte[] iv = new byte[16];
    private final Cipher cipher;
    /** Next unread byte of the buffer. */
    private int head = BUFFER_BYTES;
    private long sinceRekey;
    private long sinceReseed;

    private KeystreamNoise() {
        try {
            cipher = Cipher.getInstance(AES ? "AES/CTR/NoPadding" : "ChaCha20");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has neither AES/CTR nor ChaCha20", e);
        }
        reseed();
    }

    /** This thread's generator. */
    public static KeystreamNoise perThread() {
        return PER_THREAD.get();
    }

    /** "AES-256-CTR" or "ChaCha20": the cipher this JVM's generators run on. */
    public static String algorithm() {
        return AES ? "AES-256-CTR" : "ChaCha20";
    }

    /**
     * Whether HotSpot runs AES-CTR as an intrinsic. {@code UseAESIntrinsics} and
     * {@code UseAESCTRIntrinsics} are read where they can be; since JDK 24 they are diagnostic flags,
     * which the management bean reports as not existing unless diagnostics are unlocked. Then the
     * product flag {@code UseAES} decides: HotSpot sets it only where the CPU has AES instructions, and
     * on x86-64 and AArch64 it turns both intrinsics on with it.
     */
    static boolean aesCtrIsIntrinsic() {
        try {
            var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (hotspot == null) {
                return false;
            }
            Boolean aes = flag(hotspot, "UseAESIntrinsics");
            Boolean ctr = flag(hotspot, "UseAESCTRIntrinsics");
            if (aes != null && ctr != null) {
                return aes && ctr;
            }
            Boolean useAes = flag(hotspot, "UseAES");
            String arch = System.getProperty("os.arch", "");
            boolean intrinsicArch = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64");
            return Boolean.TRUE.equals(useAes) && intrinsicArch && !Boolean.FALSE.equals(aes) && !Boolean.FALSE.equals(ctr);
        } catch (RuntimeException | LinkageError e) {
            return false; // not HotSpot, or no management module: the software-safe choice
        }
    }

    /** A boolean VM flag, or null where this VM does not show it (absent, or diagnostic and locked). */
    private static Boolean flag(com.sun.management.HotSpotDiagnosticMXBean hotspot, String name) {
        try {
            return Boolean.valueOf(hotspot.getVMOption(name).getValue());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void reseed() {
        SecureRandom os;
        try {
            os = SecureRandom.getInstance("NativePRNGNonBlocking");
        } catch (NoSuchAlgorithmException e) {
            os = new SecureRandom();
        }
        os.nextBytes(key);
        os.nextBytes(iv);
        rekey();
        sinceReseed = 0;
    }

    /** Starts the cipher on key and iv, then wipes them. */
    private void rekey() {
        try {
            AlgorithmParameterSpec params = AES
                ? new IvParameterSpec(iv)
                : new ChaCha20ParameterSpec(Arrays.copyOf(iv, 12), 0);
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, AES ? "AES" : "ChaCha20"), params);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot key the noise generator", e);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(iv, (byte) 0);
        }
        sinceRekey = 0;
        head = BUFFER_BYTES;
    }

    private void refill() {
        if (sinceReseed >= RESEED_BYTES) {
            reseed();
        } else if (sinceRekey >= REKEY_BYTES) {
            // The next key and IV are the first 48 bytes of this block of keystream, used for nothing else.
            fill();
            System.arraycopy(buffer, 0, key, 0, 32);
            System.arraycopy(buffer, 32, iv, 0, 16);
            Arrays.fill(buffer, 0, 48, (byte) 0);
            rekey();
        }
        fill();
        head = 0;
    }

    private void fill() {
        try {
            int produced = cipher.update(zeros, 0, BUFFER_BYTES, buffer, 0);
            if (produced != BUFFER_BYTES) {
                throw new IllegalStateException("stream cipher returned " + produced + " of " + BUFFER_BYTES + " bytes");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("noise generator failed", e);
        }
        sinceRekey += BUFFER_BYTES;
        sinceReseed += BUFFER_BYTES;
    }

    /** The next 8 keystream bytes as a word. */
    private long nextLong() {
        if (head > BUFFER_BYTES - 8) {
            refill();
        }
        long w = (long) LE64.get(buffer, head);
        head += 8;
        return w;
    }

    @Override
    public void ternary(long[] dst, int off, int n) {
        Objects.checkFromIndexSize(off, n, dst.length);
        int i = 0;
        while (i < n) {
            long w = nextLong();
            for (int b = 0; b < 8 && i < n; b++, w >>>= 8) {
                int x = (int) (w & 0xFF);
                if (x >= 243) {
                    continue; // 3^5 = 243: rejecting the rest keeps every digit exactly uniform
                }
                // Base-3 digits by multiply-shift (x·171 >> 9 = x / 3 for x < 256): no table, no secret-indexed load.
                for (int d = 0; d < 5 && i < n; d++) {
                    int third = (x * 171) >>> 9;
                    dst[off + i++] = x - 3 * third - 1;
                    x = third;
                }
            }
        }
    }

    private static final long MASK21 = (1L << 21) - 1;

    @Override
    public void centeredBinomial(long[] dst, int off, int n) {
        Objects.checkFromIndexSize(off, n, dst.length);
        int i = 0;
        // Three values of 42 bits each from two words (126 of 128 bits).
        for (; i + 3 <= n; i += 3) {
            long w0 = nextLong();
            long w1 = nextLong();
            dst[off + i] = Long.bitCount(w0 & MASK21) - Long.bitCount((w0 >>> 21) & MASK21);
            dst[off + i + 1] = Long.bitCount((w0 >>> 42) & MASK21) - Long.bitCount(((w0 >>> 63) | (w1 << 1)) & MASK21);
            dst[off + i + 2] = Long.bitCount((w1 >>> 20) & MASK21) - Long.bitCount((w1 >>> 41) & MASK21);
        }
        for (; i < n; i++) {
            long w = nextLong();
            dst[off + i] = Long.bitCount(w & MASK21) - Long.bitCount((w >>> 21) & MASK21);
        }
    }

    @Override
    public void words(long[] dst, int off, int count) {
        Objects.checkFromIndexSize(off, count, dst.length);
        for (int i = 0; i < count; i++) {
            dst[off + i] = nextLong();
        }
    }
}
