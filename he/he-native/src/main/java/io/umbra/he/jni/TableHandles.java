package io.umbra.he.jni;

import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.NttTables;

import java.lang.ref.Cleaner;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.ToLongFunction;
import java.util.function.LongConsumer;

/**
 * Native copies of the NTT tables and the moduli of a level, made once per table (or per array of
 * tables, as a level hands them out) and freed when the Java tables are collected. Lookups are by
 * identity: a level's {@code ntt()} and {@code moduli()} arrays are the same objects on every call.
 */
final class TableHandles {
    private static final Cleaner CLEANER = Cleaner.create();

    private final ToLongFunction<NttTables> create;
    private final LongConsumer free;
    private final Map<NttTables, Long> perTable = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<NttTables[], long[]> perLevel = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Modulus[], long[]> moduli = Collections.synchronizedMap(new WeakHashMap<>());

    TableHandles(ToLongFunction<NttTables> create, LongConsumer free) {
        this.create = create;
        this.free = free;
    }

    long[] of(NttTables[] tables) {
        long[] h = perLevel.get(tables);
        if (h == null) {
            h = new long[tables.length];
            for (int i = 0; i < tables.length; i++) {
                h[i] = of(tables[i]);
            }
            perLevel.put(tables, h);
        }
        return h;
    }

    private long of(NttTables t) {
        synchronized (perTable) {
            Long h = perTable.get(t);
            if (h == null) {
                long handle = create.applyAsLong(t);
                h = handle;
                perTable.put(t, h);
                CLEANER.register(t, () -> free.accept(handle));
            }
            return h;
        }
    }

    long[] values(Modulus[] m) {
        long[] v = moduli.get(m);
        if (v == null) {
            v = new long[m.length];
            for (int i = 0; i < m.length; i++) {
                v[i] = m[i].value();
            }
            moduli.put(m, v);
        }
        return v;
    }
}
