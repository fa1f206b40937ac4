package io.umbra.events.features;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What one card's past tells about its next transaction, kept small enough to sit in a state store for
 * every card a bank has: the behavioural state of {@link FeatureSchema#V2} and {@link FeatureSchema#V3}, read and advanced by
 * {@link CardFeatures} (the only code that interprets it).
 *
 * <p>Bounded by construction, whatever the card does: the last {@link #RECENT} transactions of the last
 * 24 hours (event time and reference amount) in a ring; a running mean and spread of ln(1 + reference
 * amount) (Welford: three numbers, exact to rounding, no history needed); the 64-bit hashes of the last
 * {@link #MERCHANTS} merchants, {@link #COUNTRIES} countries and {@link #DEVICES} devices the card used
 * (least recently used evicted first); the previous event time and the last known position. Its
 * serialized form ({@link #toBytes()}) is at most {@link #MAX_BYTES} bytes.
 *
 * <p>Mutable and not thread-safe: one instance per card being processed, read from the store, advanced,
 * written back.
 */
public final class CardHistory {
    /** Transactions of the last 24 h kept for the 1 h / 24 h counts and sums. */
    public static final int RECENT = 32;
    /** Distinct merchants remembered (least recently used forgotten first). */
    public static final int MERCHANTS = 16;
    /** Distinct countries remembered. */
    public static final int COUNTRIES = 8;
    /** Distinct devices remembered. */
    public static final int DEVICES = 8;
    /** The serialized form's format version (first byte). */
    static final byte FORMAT = 1;
    /** The largest serialized form: 837 bytes. */
    public static final int MAX_BYTES = 1 + 8 * 8 + 1 + RECENT * 16 + 3 + (MERCHANTS + COUNTRIES + DEVICES) * 8;

    static final long NONE = Long.MIN_VALUE;

    /** Transactions this card has had before (lifetime; the Welford count). */
    long count;
    /** Welford's running mean and sum of squared deviations of ln(1 + reference amount). */
    double mean;
    double m2;
    /** The latest event time seen (epoch ms), {@link #NONE} before the first transaction. */
    long lastTime = NONE;
    /** The last position and its event time, {@link #NONE} before any located transaction. */
    double lastLatitude;
    double lastLongitude;
    long lastLocatedTime = NONE;
    /** This service's clock at the last update: lets a store forget idle cards. Not a feature input. */
    long updatedAtWallMs;

    /** Ring of recent transactions, oldest at {@code head}; {@code size} of them valid. */
    final long[] recentTime = new long[RECENT];
    final double[] recentAmount = new double[RECENT];
    int head;
    int size;

    final RecentHashes merchants = new RecentHashes(MERCHANTS);
    final RecentHashes countries = new RecentHashes(COUNTRIES);
    final RecentHashes devices = new RecentHashes(DEVICES);

    /** A card with no history. */
    public CardHistory() {
    }

    /** Transactions seen before (lifetime). */
    public long count() {
        return count;
    }

    /** This service's clock (epoch ms) when the state was last advanced. */
    public long updatedAtWallMs() {
        return updatedAtWallMs;
    }

    /** Recent transactions held (at most {@link #RECENT}). */
    public int recentSize() {
        return size;
    }

    // ---- the ring ----

    long recentTime(int i) {
        return recentTime[(head + i) % RECENT];
    }

    double recentAmount(int i) {
        return recentAmount[(head + i) % RECENT];
    }

    void addRecent(long time, double amount) {
        if (size == RECENT) {
            head = (head + 1) % RECENT;
            size--;
        }
        int at = (head + size) % RECENT;
        recentTime[at] = time;
        recentAmount[at] = amount;
        size++;
    }

    /** Drops entries (from the oldest) whose time is before {@code cutoff}; arrival order is kept, so a late one may stay behind a later one. */
    void dropRecentBefore(long cutoff) {
        int kept = 0;
        long[] t = new long[size];
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
            if (recentTime(i) >= cutoff) {
                t[kept] = recentTime(i);
                a[kept] = recentAmount(i);
                kept++;
            }
        }
        head = 0;
        size = kept;
        System.arraycopy(t, 0, recentTime, 0, kept);
        System.arraycopy(a, 0, recentAmount, 0, kept);
    }

    // ---- serialized form ----

    /** The compact binary form for a state store (big-endian, at most {@link #MAX_BYTES}). */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 * 8 + 1 + size * 16 + 3 + (merchants.size + countries.size + devices.size) * 8);
        b.put(FORMAT).putLong(count).putDouble(mean).putDouble(m2).putLong(lastTime).putDouble(lastLatitude).putDouble(lastLongitude)
                .putLong(lastLocatedTime).putLong(updatedAtWallMs);
        b.put((byte) size);
        for (int i = 0; i < size; i++) {
            b.putLong(recentTime(i)).putDouble(recentAmount(i));
        }
        merchants.write(b);
        countries.write(b);
        devices.write(b);
        return b.array();
    }

    /** The state {@code bytes} hold; an {@link IllegalArgumentException} for anything {@link #toBytes()} cannot have written. */
    public static CardHistory fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("a card history is at most " + MAX_BYTES + " bytes");
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (b.get() != FORMAT) {
                throw new IllegalArgumentException("unknown card history format " + bytes[0]);
            }
            CardHistory h = new CardHistory();
            h.count = b.getLong();
            h.mean = b.getDouble();
            h.m2 = b.getDouble();
            h.lastTime = b.getLong();
            h.lastLatitude = b.getDouble();
            h.lastLongitude = b.getDouble();
            h.lastLocatedTime = b.getLong();
            h.updatedAtWallMs = b.getLong();
            int n = b.get();
            if (n < 0 || n > RECENT || h.count < 0 || !Double.isFinite(h.mean) || !(h.m2 >= 0) || Double.isInfinite(h.m2)) {
                throw new IllegalArgumentException("card history out of range");
            }
            for (int i = 0; i < n; i++) {
                h.addRecent(b.getLong(), b.getDouble());
            }
            h.merchants.read(b);
            h.countries.read(b);
            h.devices.read(b);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes after a card history");
            }
            return h;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated card history", e);
        }
    }

    /**
     * A small set of 64-bit hashes in recency order (most recent first); adding a new one to a full set
     * forgets the least recently used. Hashes, not the values: fixed size, and the store holds no merchant
     * or device ids in clear.
     */
    static final class RecentHashes {
        final long[] hashes;
        int size;

        RecentHashes(int capacity) {
            hashes = new long[capacity];
        }

        boolean contains(long h) {
            for (int i = 0; i < size; i++) {
                if (hashes[i] == h) {
                    return true;
                }
            }
            return false;
        }

        /** Moves {@code h} to the front, inserting it (and forgetting the oldest when full) if absent. */
        void touch(long h) {
            int at = 0;
            while (at < size && hashes[at] != h) {
                at++;
            }
            if (at == size) {
                if (size < hashes.length) {
                    size++;
                }
                at = size - 1;
            }
            System.arraycopy(hashes, 0, hashes, 1, at);
            hashes[0] = h;
        }

        void write(ByteBuffer b) {
            b.put((byte) size);
            for (int i = 0; i < size; i++) {
                b.putLong(hashes[i]);
            }
        }

        void read(ByteBuffer b) {
            int n = b.get();
            if (n < 0 || n > hashes.length) {
                throw new IllegalArgumentException("card history set out of range");
            }
            for (int i = 0; i < n; i++) {
                hashes[i] = b.getLong();
            }
            size = n;
        }
    }

    /** FNV-1a, 64 bits, over the UTF-8 bytes: the same on every JVM and in every release (stored hashes depend on it). */
    static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
