package io.umbra.load;

import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a run measured; {@link LoadSummary} and {@link LoadReport} are views of it.
 *
 * @param plan              what was asked
 * @param target            where it ran: {@code host:port}, and whether this run started the pipeline itself
 * @param startedAt         wall-clock time of the first scheduled send (warm-up included)
 * @param machine           the machine
 * @param measured          counts of the measured window
 * @param warmup            counts of the warm-up
 * @param sendFailures      records the producer gave up on (never produced)
 * @param strays            scores with this run's prefix that match nothing it sent
 * @param latencyMicros     produce-to-score latency of every first score of the window, from its scheduled send time
 * @param seconds           the window per second
 * @param producer          how well the producer kept the schedule
 * @param requestRecords    records on the tenants' score-request topics during the run
 * @param requestBytes      their key and value bytes
 * @param scoredAll         first scores of the whole run (warm-up and window): what the request bytes paid for
 * @param windowSeconds     the window's length for throughput: the duration, or longer if scores kept arriving after it
 * @param drainSeconds      how long the run waited after its last send
 * @param cpu               CPU of each Java process on the machine over the measured window, busiest first
 * @param machineBusyPercent the whole machine's busy share over the window (100 = every core), NaN if unknown
 * @param stages            where the latency of a sample of the window's scores went, stage by stage
 * @param warmupOutcome     how long the warm-up lasted, and whether it waited for (and reached) steady state
 * @param lag               each hop's consumer lag over the window, per (group, topic), in records
 */
public record LoadResult(LoadPlan plan, Target target, Instant startedAt, MachineInfo machine,
                         TransactionLedger.Counts measured, TransactionLedger.Counts warmup, long sendFailures, long strays,
                         Histogram latencyMicros, List<Timeline.Second> seconds, ProducerStats producer,
                         long requestRecords, long requestBytes, long scoredAll, double windowSeconds, double drainSeconds,
                         List<ProcessCpu.Usage> cpu, double machineBusyPercent, List<StageBreakdown.Stage> stages,
                         WarmupOutcome warmupOutcome, List<TopicLag.Row> lag) {
    /** A run without lag samples (a report rebuilt from figures, a test fixture). */
    public LoadResult(LoadPlan plan, Target target, Instant startedAt, MachineInfo machine,
                      TransactionLedger.Counts measured, TransactionLedger.Counts warmup, long sendFailures, long strays,
                      Histogram latencyMicros, List<Timeline.Second> seconds, ProducerStats producer,
                      long requestRecords, long requestBytes, long scoredAll, double windowSeconds, double drainSeconds,
                      List<ProcessCpu.Usage> cpu, double machineBusyPercent, List<StageBreakdown.Stage> stages,
                      WarmupOutcome warmupOutcome) {
        this(plan, target, startedAt, machine, measured, warmup, sendFailures, strays, latencyMicros, seconds, producer, requestRecords,
                requestBytes, scoredAll, windowSeconds, drainSeconds, cpu, machineBusyPercent, stages, warmupOutcome, List.of());
    }

    /** A run with the plan's fixed warm-up. */
    public LoadResult(LoadPlan plan, Target target, Instant startedAt, MachineInfo machine,
                      TransactionLedger.Counts measured, TransactionLedger.Counts warmup, long sendFailures, long strays,
                      Histogram latencyMicros, List<Timeline.Second> seconds, ProducerStats producer,
                      long requestRecords, long requestBytes, long scoredAll, double windowSeconds, double drainSeconds,
                      List<ProcessCpu.Usage> cpu, double machineBusyPercent, List<StageBreakdown.Stage> stages) {
        this(plan, target, startedAt, machine, measured, warmup, sendFailures, strays, latencyMicros, seconds, producer, requestRecords,
                requestBytes, scoredAll, windowSeconds, drainSeconds, cpu, machineBusyPercent, stages,
                WarmupOutcome.fixed(plan.warmup()));
    }

    public LoadResult {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(warmupOutcome, "warmupOutcome");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(latencyMicros, "latencyMicros");
        seconds = List.copyOf(seconds);
        cpu = List.copyOf(cpu);
        stages = List.copyOf(stages);
        lag = List.copyOf(lag);
    }

    /** Scored transactions of the window per second of the window. */
    public double throughputTps() {
        return windowSeconds > 0 ? measured.scored() / windowSeconds : 0;
    }

    /** Request bytes on the shared topics per scored transaction; NaN when nothing was scored. */
    public double requestBytesPerTransaction() {
        return scoredAll > 0 ? (double) requestBytes / scoredAll : Double.NaN;
    }

    /** A latency percentile in milliseconds; NaN when nothing was scored. */
    public double percentileMillis(double percentile) {
        return Timeline.percentileMillis(latencyMicros, percentile);
    }

    public double maxMillis() {
        return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1000.0;
    }

    /** Whether the run shows the pipeline keeping up: nothing lost or duplicated, and the producer on schedule. */
    public boolean sustained() {
        return measured.lost() == 0 && measured.duplicates() == 0 && sendFailures == 0 && !producer.stoppedEarly()
                && producer.onSchedule() && measured.scored() > 0;
    }

    /**
     * @param bootstrapServers the broker
     * @param selfStarted      whether this run started the pipeline (LocalPipeline) and stopped it after
     */
    public record Target(String bootstrapServers, boolean selfStarted) {
    }

    /**
     * @param lateSends      sends more than {@link #LATE_MILLIS} ms after they were due
     * @param maxLagMillis   the most a send trailed its schedule
     * @param stoppedEarly   the run stopped sending before the schedule's end (the in-flight cap, or an error)
     * @param stopReason     why, or null
     */
    public record ProducerStats(long lateSends, double maxLagMillis, boolean stoppedEarly, String stopReason) {
        public static final double LATE_MILLIS = 10;

        /** The producer never trailed its schedule by more than a second: the offered rate was the asked rate. */
        public boolean onSchedule() {
            return maxLagMillis < 1000;
        }
    }

    /**
     * @param seconds     how long the warm-up lasted
     * @param untilSteady whether it waited for steady state ({@link LoadPlan#steady()})
     * @param settled     whether steady state was reached (always true for a fixed warm-up)
     * @param note        what decided its end, in words
     */
    public record WarmupOutcome(double seconds, boolean untilSteady, boolean settled, String note) {
        static WarmupOutcome fixed(java.time.Duration warmup) {
            return new WarmupOutcome(warmup.toMillis() / 1000.0, false, true, "fixed warm-up");
        }
    }
}
