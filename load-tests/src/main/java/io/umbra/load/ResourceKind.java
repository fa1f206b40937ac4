package io.umbra.load;

/**
 * What a soak run samples, with the unit its report uses and the rule its growth is judged by
 * ({@link GrowthVerdict}).
 */
public enum ResourceKind {
    /** Resident set size, from {@code VmRSS} in {@code /proc/<pid>/status}. */
    RSS("RSS", "MiB", 1 << 20, Rule.FLAT, 32),
    /** Heap in use right after the last collection of the old generation: what the process keeps alive. */
    HEAP_AFTER_GC("heap after GC (old generation after its last collection)", "MiB", 1 << 20, Rule.FLAT, 16),
    /**
     * Old generation in use now: grows with promoted garbage between collections. Shown; judged only for a process
     * without a heap-after-GC curve, as its upper bound ({@link GrowthVerdict}).
     */
    OLD_GEN_USED("old generation in use (garbage included until it is collected)", "MiB", 1 << 20, Rule.SHOWN, 16),
    /** Threads, from {@code Threads} in {@code /proc/<pid>/status}. */
    THREADS("threads", "threads", 1, Rule.FLAT, 4),
    /** Open file descriptors: the entries of {@code /proc/<pid>/fd}. */
    FDS("open file descriptors", "descriptors", 1, Rule.FLAT, 16),
    /** Size on disk of a service's Kafka Streams state directory. */
    STATE_STORE("state store on disk", "MiB", 1 << 20, Rule.RETAINED, 8),
    /** Bytes of a topic in the brokers' log directories, every partition and replica. */
    TOPIC("topic size on disk", "MiB", 1 << 20, Rule.RETAINED, 8);

    /** How growth is judged. */
    public enum Rule {
        /** Must not keep growing while the load is steady. */
        FLAT,
        /** Grows with the data kept until its retention; must not grow faster than the traffic. */
        RETAINED,
        /** Charted for the reader, not judged. */
        SHOWN
    }

    private final String title;
    private final String unit;
    private final double unitSize;
    private final Rule rule;
    private final double floorUnits;

    ResourceKind(String title, String unit, double unitSize, Rule rule, double floorUnits) {
        this.title = title;
        this.unit = unit;
        this.unitSize = unitSize;
        this.rule = rule;
        this.floorUnits = floorUnits;
    }

    public String title() {
        return title;
    }

    /** The unit of the report and the charts. */
    public String unit() {
        return unit;
    }

    /** A raw value (bytes or a count) in {@link #unit()}. */
    public double inUnits(double raw) {
        return raw / unitSize;
    }

    public Rule rule() {
        return rule;
    }

    /** The smallest growth, in raw units (bytes or a count), that counts: below it, noise. */
    public double floor() {
        return floorUnits * unitSize;
    }

    /** A file-name part: {@code heap-after-gc}. */
    public String slug() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
