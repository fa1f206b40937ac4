package io.umbra.he.hash;

import java.util.Objects;

/**
 * BLAKE2Xb, the extendable-output function over BLAKE2b, computed the way the reference
 * {@code blake2xb.c} (which SEAL bundles) computes it: a keyed root hash whose parameter block
 * carries the total output length, then one BLAKE2b of the 64-byte root per 64-byte output block
 * (fanout 0, depth 0, leaf length 64, inner length 64, node offset = block index, digest length =
 * that block's size).
 *
 * <p>Why: SEAL's default PRNG ({@code Blake2xbPRNG}) is this XOF keyed with the seed, so any
 * difference of a single parameter byte would make our seeded ciphertexts unreadable by SEAL.
 * One such byte exists: SEAL's copy of {@code blake2xb.c} writes key length 0 into the
 * output-block parameter blocks, while the keyed BLAKE2Xb vectors published with the BLAKE2
 * reference package come from an earlier {@code blake2xb-ref.c} that left the key length there.
 * We follow SEAL (node-seal's seeded ciphertexts confirm it); unkeyed output is the same either way.
 * An instance keeps its scratch state so repeated expansions allocate nothing; it is not
 * thread-safe.
 */
public final class Blake2xb {
    private static final int OUT = Blake2b.MAX_DIGEST_BYTES;

    private final Blake2b rootHash = new Blake2b();
    private final long[] params = new long[8];
    private final long[] root = new long[8];
    private final long[] node = new long[8];
    private final long[] message = new long[16];
    private final long[] scratch = new long[16];

    /** Set only to check against the BLAKE2 package's published keyed vectors; see the class comment. */
    private final boolean keyLengthInOutputBlocks;

    /** BLAKE2Xb as SEAL computes it. */
    public Blake2xb() {
        this(false);
    }

    Blake2xb(boolean keyLengthInOutputBlocks) {
        this.keyLengthInOutputBlocks = keyLengthInOutputBlocks;
    }

    /** One-shot XOF: fills {@code out[off .. off+outLen)} with BLAKE2Xb(in) under {@code key} (null: unkeyed). */
    public static void xof(byte[] out, int off, int outLen, byte[] in, byte[] key) {
        new Blake2xb().expand(out, off, outLen, in, 0, in.length, key);
    }

    /** One-shot XOF returning a new array of {@code outLen} bytes. */
    public static byte[] xof(int outLen, byte[] in, byte[] key) {
        byte[] out = new byte[outLen];
        xof(out, 0, outLen, in, key);
        return out;
    }

    /**
     * Fills {@code out[off .. off+outLen)} with BLAKE2Xb of {@code in[inOff .. inOff+inLen)} keyed
     * with {@code key} (null or empty: unkeyed; at most 64 bytes). Allocates nothing.
     */
    public void expand(byte[] out, int off, int outLen, byte[] in, int inOff, int inLen, byte[] key) {
        Objects.checkFromIndexSize(off, outLen, out.length);
        Objects.checkFromIndexSize(inOff, inLen, in.length);
        if (outLen == 0) {
            throw new IllegalArgumentException("BLAKE2Xb output length must be positive");
        }
        int keyLength = key == null ? 0 : key.length;
        long xofLength = outLen & 0xFFFFFFFFL;

        // Root: sequential-looking BLAKE2b-512 whose node-offset field holds xof_length in its high half.
        params[0] = OUT | (long) keyLength << 8 | 1L << 16 | 1L << 24;
        params[1] = xofLength << 32;
        for (int i = 2; i < 8; i++) {
            params[i] = 0;
        }
        rootHash.init(params, key, 0, keyLength);
        rootHash.update(in, inOff, inLen);
        rootHash.doFinalWords(root);

        // Output blocks: BLAKE2b(root) with the node parameters; salt and personalization stay zero.
        long leafWord0 = (long) OUT << 32; // key length 0 (as SEAL), fanout 0, depth 0, leaf length 64
        if (keyLengthInOutputBlocks) {
            leafWord0 |= (long) keyLength << 8;
        }
        long innerWord = (long) OUT << 8;  // node depth 0, inner length 64
        for (int i = 8; i < 16; i++) {
            message[i] = 0;
        }
        int remaining = outLen;
        int pos = off;
        for (long i = 0; remaining > 0; i++) {
            int blockSize = Math.min(remaining, OUT);
            node[0] = Blake2b.IV0 ^ (leafWord0 | blockSize);
            node[1] = Blake2b.IV1 ^ (i | xofLength << 32);
            node[2] = Blake2b.IV2 ^ innerWord;
            node[3] = Blake2b.IV3;
            node[4] = Blake2b.IV4;
            node[5] = Blake2b.IV5;
            node[6] = Blake2b.IV6;
            node[7] = Blake2b.IV7;
            System.arraycopy(root, 0, message, 0, 8);
            Blake2b.compress(node, message, OUT, 0, -1L, 0, scratch);
            if (blockSize == OUT) {
                for (int k = 0; k < 8; k++) {
                    Blake2b.LE64.set(out, pos + 8 * k, node[k]);
                }
            } else {
                for (int k = 0; k < blockSize; k++) {
                    out[pos + k] = (byte) (node[k >>> 3] >>> (8 * (k & 7)));
                }
            }
            pos += blockSize;
            remaining -= blockSize;
        }
    }
}
