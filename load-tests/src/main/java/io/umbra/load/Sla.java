package io.umbra.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a bank requires of a load run: read from an SLA file ({@code ./umbra load --sla FILE}), checked
 * by {@link SlaVerdict} after the run.
 *
 * <p>The file is YAML or JSON (a {@code .json} name is read as JSON, anything else as YAML, which also
 * reads JSON). Fields, snake_case; unknown fields are refused, so a typo cannot silently drop a
 * criterion:
 *
 * <pre>
 * name: acme-2k                   # optional, shown in the report
 * rate_tps: 2000                  # required: the run offers at least this many tx/s, all tenants together
 * duration: 60s                   # required: the measured window lasts at least this long
 * p99_ms: 1500                    # required: 99th percentile, produce → decrypted score on &lt;t&gt;.scores
 * p50_ms: 800                     # optional
 * p999_ms: 3000                   # optional (99.9th percentile)
 * max_lost: 0                     # optional, default 0
 * max_duplicates: 0               # optional, default 0
 * max_request_bytes_per_tx: 3000  # required: ciphertext bytes on the shared score.requests topics per transaction
 * </pre>
 *
 * @param name                      a label, or null
 * @param ratePerSecond             the offered rate the run must reach
 * @param duration                  the shortest measured window
 * @param p50Millis                 the median bound, NaN when not set
 * @param p99Millis                 the 99th percentile bound
 * @param p999Millis                the 99.9th percentile bound, NaN when not set
 * @param maxLost                   transactions produced and never scored
 * @param maxDuplicates             scores beyond the first of a transaction
 * @param maxRequestBytesPerTx      request bytes per scored transaction
 */
public record Sla(String name, double ratePerSecond, Duration duration, double p50Millis, double p99Millis, double p999Millis,
                  long maxLost, long maxDuplicates, double maxRequestBytesPerTx) {

    static final Set<String> FIELDS = Set.of("name", "rate_tps", "duration", "p50_ms", "p99_ms", "p999_ms", "max_lost",
            "max_duplicates", "max_request_bytes_per_tx");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    public Sla {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate_tps must be a positive number, got " + ratePerSecond);
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, got " + duration);
        }
        requireBound("p99_ms", p99Millis, false);
        requireBound("p50_ms", p50Millis, true);
        requireBound("p999_ms", p999Millis, true);
        requireBound("max_request_bytes_per_tx", maxRequestBytesPerTx, false);
        if (maxLost < 0 || maxDuplicates < 0) {
            throw new IllegalArgumentException("max_lost and max_duplicates must not be negative");
        }
    }

    private static void requireBound(String field, double v, boolean optional) {
        if (optional && Double.isNaN(v)) {
            return;
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(field + " must be a number ≥ 0, got " + v);
        }
    }

    /** Reads an SLA file; an {@link IllegalArgumentException} that names the file and the field when it is wrong. */
    public static Sla read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the SLA file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text, file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SLA file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the text of an SLA file, JSON when {@code json}, else YAML. */
    public static Sla parse(String text, boolean json) {
        JsonNode root;
        try {
            root = (json ? new ObjectMapper() : new YAMLMapper()).readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the SLA must be an object of fields (rate_tps, duration, p99_ms, …)");
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                unknown.add(f);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown field(s) " + unknown + "; the fields are " + FIELDS.stream().sorted().toList());
        }
        JsonNode name = root.get("name");
        return new Sla(name == null || name.isNull() ? null : name.asText(),
                number(root, "rate_tps", true), duration(root.get("duration")),
                number(root, "p50_ms", false), number(root, "p99_ms", true), number(root, "p999_ms", false),
                count(root, "max_lost"), count(root, "max_duplicates"), number(root, "max_request_bytes_per_tx", true));
    }

    private static double number(JsonNode root, String field, boolean required) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new IllegalArgumentException(field + " is missing");
            }
            return Double.NaN;
        }
        if (!n.isNumber()) {
            throw new IllegalArgumentException(field + " must be a number, not '" + n.asText() + "'");
        }
        return n.doubleValue();
    }

    private static long count(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException(field + " must be a whole number, not '" + n.asText() + "'");
        }
        return n.longValue();
    }

    private static Duration duration(JsonNode n) {
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("duration is missing");
        }
        if (n.isNumber()) {
            return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
        }
        return parseDuration(n.asText());
    }

    /** {@code 60}, {@code 60s}, {@code 500ms}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT90S}); a bare number is seconds. */
    public static Duration parseDuration(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> n;
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
        try {
            return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration: use e.g. 60s, 500ms, 2m, 1h or PT90S");
        }
    }
}
