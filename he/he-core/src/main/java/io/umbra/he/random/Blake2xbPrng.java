package io.umbra.he.random;

import io.umbra.he.hash.Blake2xb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * SEAL's {@code Blake2xbPRNG}: a 64-byte seed (eight 64-bit words) expanded into a byte stream
 * whose c-th 4096-byte block is {@code BLAKE2Xb(out = 4096 bytes, in = c as a little-endian u64,
 * key = seed)}, for c = 0, 1, 2, … Bytes are handed out strictly in stream order, whatever the
 * request size, exactly as {@code UniformRandomGenerator::generate} does; {@link #nextLong()} and
 * {@link #nextInt()} read the next 8 or 4 bytes little-endian, as SEAL sees them through a
 * {@code uint64_t*} or its {@code RandomToStandardAdapter}.
 *
 * <p>Why: a seeded SEAL ciphertext carries only this seed, and both sides regenerate the uniform
 * polynomial c1 from it, so our stream must equal SEAL's byte for byte. It also dominates
 * encryption time, so the buffer and the XOF's scratch state are reused and no call allocates.
 *
 * <p>Not thread-safe (SEAL's locks a mutex; ours does not): use one instance per thread and per
 * encryption.
 */
public final class Blake2xbPrng {
    /** Seed size in 64-bit words ({@code prng_seed_uint64_count}). */
    public static final int SEED_WORDS = 8;
    /** Seed size in bytes ({@code prng_seed_byte_count}). */
    public static final int SEED_BYTES = 8 * SEED_WORDS;
    /** Bytes produced per BLAKE2Xb call (SEAL's {@code buffer_size_}). */
    public static final int BUFFER_BYTES = 4096;

    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] seed = new byte[SEED_BYTES];
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private final byte[] counterBytes = new byte[8];
    private final Blake2xb xof = new Blake2xb();
    /** Next unread byte; starts at the end, so the first read fills block 0 (SEAL starts the same way). */
    private int head = BUFFER_BYTES;
    /** Index of the next block to generate. */
    private long counter;

    private Blake2xbPrng(byte[] seedBytes) {
        System.arraycopy(seedBytes, 0, seed, 0, SEED_BYTES);
    }

    /** A PRNG with the given seed of eight words (little-endian, as SEAL stores {@code prng_seed_type}). */
    public static Blake2xbPrng ofSeed(long[] seedWords) {
        if (seedWords.length != SEED_WORDS) {
            throw new IllegalArgumentException("seed must be " + SEED_WORDS + " words, got " + seedWords.length);
        }
        byte[] bytes = new byte[SEED_BYTES];
        for (int i = 0; i < SEED_WORDS; i++) {
            LE64.set(bytes, 8 * i, seedWords[i]);
        }
        return new Blake2xbPrng(bytes);
    }

    /** A PRNG with the given 64-byte seed, as it appears on the wire after the PRNG-type byte. */
    public static Blake2xbPrng ofSeedBytes(byte[] seedBytes) {
        if (seedBytes.length != SEED_BYTES) {
            throw new IllegalArgumentException("seed must be " + SEED_BYTES + " bytes, got " + seedBytes.length);
        }
        return new Blake2xbPrng(seedBytes);
    }

    /** A PRNG seeded with 64 bytes of operating-system entropy. */
    public static Blake2xbPrng fromOs() {
        byte[] bytes = new byte[SEED_BYTES];
        osEntropy().nextBytes(bytes);
        Blake2xbPrng prng = new Blake2xbPrng(bytes);
        java.util.Arrays.fill(bytes, (byte) 0);
        return prng;
    }

    private static SecureRandom osEntropy() {
        try {
            // /dev/urandom without the blocking seed read of the default NativePRNG on old kernels.
            return SecureRandom.getInstance("NativePRNGNonBlocking");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** The seed as eight words (a copy). */
    public long[] seed() {
        long[] words = new long[SEED_WORDS];
        for (int i = 0; i < SEED_WORDS; i++) {
            words[i] = (long) LE64.get(seed, 8 * i);
        }
        return words;
    }

    /** The seed as 64 bytes (a copy), in wire order. */
    public byte[] seedBytes() {
        return seed.clone();
    }

    /** Fills {@code dst[off .. off+len)} with the next bytes of the stream. */
    public void generate(byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        while (len > 0) {
            if (head == BUFFER_BYTES) {
                refill();
            }
            int n = Math.min(len, BUFFER_BYTES - head);
            System.arraycopy(buffer, head, dst, off, n);
            head += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Fills {@code dst[off .. off+count)} with the next {@code 8·count} bytes read as little-endian
     * words: what SEAL's {@code generate(count * 8, (seal_byte *) dest)} leaves in a {@code uint64_t} array.
     */
    public void generate(long[] dst, int off, int count) {
        Objects.checkFromIndexSize(off, count, dst.length);
        while (count > 0) {
            if (head == BUFFER_BYTES) {
                refill();
            }
            int whole = (BUFFER_BYTES - head) >>> 3;
            if (whole == 0) {
                dst[off++] = nextLong(); // a word straddling two blocks
                count--;
                continue;
            }
            int n = Math.min(whole, count);
            byte[] b = buffer;
            int p = head;
            for (int i = 0; i < n; i++) {
                dst[off + i] = (long) LE64.get(b, p + 8 * i);
            }
            head = p + 8 * n;
            off += n;
            count -= n;
        }
    }

    /** The next 8 bytes as a little-endian unsigned 64-bit word. */
    public long nextLong() {
        int p = head;
        if (p <= BUFFER_BYTES - 8) {
            head = p + 8;
            return (long) LE64.get(buffer, p);
        }
        return nextUnsignedSlow(8);
    }

    /** The next 4 bytes as a little-endian unsigned 32-bit word (one call of SEAL's RandomToStandardAdapter). */
    public int nextInt() {
        int p = head;
        if (p <= BUFFER_BYTES - 4) {
            head = p + 4;
            return (int) LE32.get(buffer, p);
        }
        return (int) nextUnsignedSlow(4);
    }

    /**
     * The next {@code byteCount} bytes (1..8) as a little-endian unsigned integer, e.g. the 6 bytes
     * SEAL's centered binomial sampler takes per coefficient.
     */
    public long nextUnsigned(int byteCount) {
        if (byteCount < 1 || byteCount > 8) {
            throw new IllegalArgumentException("byteCount must be 1..8, got " + byteCount);
        }
        int p = head;
        if (p <= BUFFER_BYTES - 8) {
            head = p + byteCount;
            long w = (long) LE64.get(buffer, p);
            return byteCount == 8 ? w : w & ((1L << (8 * byteCount)) - 1);
        }
        return nextUnsignedSlow(byteCount);
    }

    private long nextUnsignedSlow(int byteCount) {
        long w = 0;
        for (int i = 0; i < byteCount; i++) {
            if (head == BUFFER_BYTES) {
                refill();
            }
            w |= (buffer[head++] & 0xFFL) << (8 * i);
        }
        return w;
    }

    /**
     * Discards the rest of the current block and moves to a fresh one, like SEAL's {@code refresh()}.
     * SEAL refills eagerly when a block runs out; we refill on the next read, so a block that SEAL
     * would already have made and now throws away is skipped here.
     */
    public void refresh() {
        if (head == BUFFER_BYTES && counter > 0) {
            counter++;
        }
        refill();
    }

    private void refill() {
        LE64.set(counterBytes, 0, counter);
        xof.expand(buffer, 0, BUFFER_BYTES, counterBytes, 0, 8, seed);
        counter++;
        head = 0;
    }
}
