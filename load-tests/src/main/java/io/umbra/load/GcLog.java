package io.umbra.load;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's heap after its collections, read from its unified GC log ({@code -Xlog:gc}), for a process that has no metrics
 * endpoint (the broker processes of a run): each collection is one line such as
 * {@code [12.345s][info][gc] GC(7) Pause Young (Allocation Failure) 98M->41M(370M) 4.215ms}, the heap before {@code ->}
 * after (capacity). After a young collection that is the old generation (garbage promoted since the last full collection
 * included) plus the survivors; after a full collection ({@code Pause Full}) it is the live data. So the two map onto the
 * soak's two heap curves: {@link ResourceKind#OLD_GEN_USED} and the judged {@link ResourceKind#HEAP_AFTER_GC}. Only the
 * file's tail is read, so an hours-long log costs a sample no more than a short one.
 */
final class GcLog {
    /** Enough for a hundred lines; a collection line is about 90 bytes. */
    private static final int TAIL_BYTES = 16 << 10;
    private static final Pattern COLLECTION = Pattern.compile("\\bGC\\(\\d+\\) (.*?)\\d+[KMG]->(\\d+)([KMG])\\(\\d+[KMG]\\)");

    /**
     * @param afterLatest bytes in use after the latest collection of any kind, or -1
     * @param afterFull   bytes in use after the latest full collection, or -1 when the tail read holds none
     */
    record Heap(long afterLatest, long afterFull) {
    }

    private GcLog() {
    }

    /** The heap after the latest collections the log at {@code file} records (-1 where it records none yet). */
    static Heap read(Path file) {
        if (!Files.isRegularFile(file)) {
            return new Heap(-1, -1);
        }
        String tail;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(0, f.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            tail = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Heap(-1, -1); // rotated or being written: the next sample reads it again
        }
        return read(tail);
    }

    /** As {@link #read(Path)}, from the log's text. */
    static Heap read(String text) {
        long latest = -1;
        long full = -1;
        for (String line : text.split("\n")) {
            Matcher m = COLLECTION.matcher(line);
            if (m.find()) {
                long unit = switch (m.group(3)) {
                    case "K" -> 1L << 10;
                    case "M" -> 1L << 20;
                    default -> 1L << 30;
                };
                latest = Long.parseLong(m.group(2)) * unit;
                if (m.group(1).startsWith("Pause Full")) {
                    full = latest;
                }
            }
        }
        return new Heap(latest, full);
    }
}
