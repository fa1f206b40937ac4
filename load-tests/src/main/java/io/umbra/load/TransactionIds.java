package io.umbra.load;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Transaction ids of one run: {@code load-<run tag>-<sequence number>}. The sequence number is the
 * transaction's place in the {@link SendSchedule}, so a score read back needs no lookup table: its id
 * gives the scheduled send time and the ledger slot. The random run tag keeps runs apart: a score
 * left over from an earlier run on the same topics, or another producer's, is not ours, and the
 * ingest-service's de-duplication never sees an id twice across runs.
 */
public final class TransactionIds {
    private final String prefix;

    public TransactionIds(String runTag) {
        if (runTag == null || !runTag.matches("[a-z0-9]{1,32}")) {
            throw new IllegalArgumentException("a run tag is 1 to 32 characters a-z, 0-9");
        }
        this.prefix = "load-" + runTag + "-";
    }

    /** A fresh random tag (8 hex digits). */
    public static TransactionIds random() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return new TransactionIds(HexFormat.of().formatHex(b));
    }

    public String prefix() {
        return prefix;
    }

    public String idOf(long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative");
        }
        return prefix + seq;
    }

    /** The id of the readiness probe of {@code tenant}: outside the schedule, never counted. */
    public String probeIdOf(String tenant) {
        return prefix + "probe-" + tenant;
    }

    /** The sequence number in {@code id}, or -1 when it is not a scheduled transaction of this run. */
    public long seqOf(String id) {
        if (id == null || !id.startsWith(prefix) || id.length() == prefix.length() || id.length() > prefix.length() + 18) {
            return -1;
        }
        long seq = 0;
        for (int i = prefix.length(); i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            seq = seq * 10 + (c - '0');
        }
        return seq;
    }
}
