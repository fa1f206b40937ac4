package io.umbra.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * k8s/monitoring: every {@code umbra_*} series the Grafana dashboard and the alert rules query is one a
 * service really registers. The exported names are derived from the Micrometer registrations in the
 * modules' main sources (the meter's name and kind, as Micrometer's Prometheus registry writes them), so a
 * typo in a panel, a renamed meter or a rule over a metric nobody exports fails here.
 */
class MonitoringMetricsTest {
    private static final Path REPO = Path.of("..", "..");
    private static final Path MONITORING = K8sDirs.SOURCE.resolve("monitoring");
    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|FunctionCounter|Timer|FunctionTimer|Gauge|DistributionSummary|LongTaskTimer)\\.builder\\(\\s*\"(umbra\\.[a-z0-9.]+)\"");
    private static final Pattern REGISTRY_GAUGE = Pattern.compile("\\.gauge\\(\\s*\"(umbra\\.[a-z0-9.]+)\"");
    private static final Pattern SERIES = Pattern.compile("\\bumbra_[a-z0-9_]+");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyUmbraSeriesTheDashboardQueriesIsExported() throws IOException {
        Set<String> exported = exportedSeries();
        List<String> queries = dashboardQueries(JSON.readTree(MONITORING.resolve("umbra-dashboard.json").toFile()));
        assertTrue(queries.size() >= 20, "the dashboard has its panels: " + queries.size());
        assertEquals(List.of(), unknown(queries, exported), "dashboard queries name series no service exports");
        // what the issue asks the dashboard to show
        String all = String.join("\n", queries);
        for (String needed : List.of("umbra_ingest_records_in_total", "kafka_consumer_fetch_manager_records_lag_max",
                "umbra_encrypt_batch_fill_ratio", "umbra_he_eval_seconds_bucket", "umbra_encrypt_batch_encryption_seconds",
                "umbra_key_decrypt_seconds", "umbra_ingest_dead_letters_total", "umbra_score_dlq_total", "umbra_key_dlq_total",
                "umbra_alert_dlq_total", "umbra_encrypt_dlq_total", "umbra_key_score_latency_seconds_bucket")) {
            assertTrue(all.contains(needed), "no panel shows " + needed);
        }
    }

    @Test
    void everyUmbraSeriesTheRulesQueryIsExportedAndEveryRuleIsComplete() throws IOException {
        Set<String> exported = exportedSeries();
        JsonNode rule = YAML.readTree(MONITORING.resolve("umbra-rules.yaml").toFile());
        assertEquals("monitoring.coreos.com/v1", rule.path("apiVersion").asText());
        assertEquals("PrometheusRule", rule.path("kind").asText());
        List<String> exprs = new ArrayList<>();
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                String name = r.path("alert").asText();
                assertFalse(name.isBlank(), "a rule without an alert name in group " + group.path("name"));
                assertTrue(alerts.add(name), "alert named twice: " + name);
                assertFalse(r.path("expr").asText().isBlank(), name + " has no expr");
                assertTrue(Set.of("critical", "warning").contains(r.path("labels").path("severity").asText()), name + " has no severity");
                assertFalse(r.path("annotations").path("summary").asText().isBlank(), name + " has no summary");
                exprs.add(r.path("expr").asText());
            }
        }
        assertEquals(List.of(), unknown(exprs, exported), "rules name series no service exports");
        // the SLA (p99, lag, stopped hops, missing scores) and dead-letter bursts
        for (String a : List.of("UmbraLatencyP99AboveSla", "UmbraConsumerLagGrowing", "UmbraHopStopped", "UmbraScoresMissing",
                "UmbraIngestDeadLetterBurst", "UmbraPipelineDeadLetters")) {
            assertTrue(alerts.contains(a), "no alert " + a);
        }
    }

    @Test
    void aMisspelledOrUnregisteredSeriesIsCaught() {
        Set<String> exported = exportedSeries();
        assertTrue(exported.contains("umbra_ingest_records_in_total"));
        assertTrue(exported.contains("umbra_he_eval_seconds_bucket"), "a timer with a percentile histogram has buckets");
        assertFalse(exported.contains("umbra_encrypt_batch_encryption_seconds_bucket"), "a timer without a histogram has none");
        assertEquals(List.of("umbra_ingest_record_in_total", "umbra_encrypt_batch_encryption_seconds_bucket"),
                unknown(List.of("rate(umbra_ingest_record_in_total[1m]) + rate(umbra_encrypt_batch_encryption_seconds_bucket[1m])"),
                        exported));
    }

    @Test
    void theKustomizationListsTheSharedFilesAndTheDashboard() throws IOException {
        JsonNode k = YAML.readTree(MONITORING.resolve("kustomization.yaml").toFile());
        List<String> resources = new ArrayList<>();
        k.path("resources").forEach(r -> resources.add(r.asText()));
        List<String> yaml = new ArrayList<>(K8sDirs.yamlFiles("monitoring"));
        yaml.remove("tenant-pod-monitor.yaml"); // a template, rendered by ./umbra tenant apply
        assertEquals(yaml, resources.stream().sorted().toList());
        JsonNode generator = k.path("configMapGenerator").get(0);
        assertEquals("umbra-dashboard.json", generator.path("files").get(0).asText());
        assertEquals("1", generator.path("options").path("labels").path("grafana_dashboard").asText());
    }

    private static List<String> unknown(List<String> queries, Set<String> exported) {
        List<String> out = new ArrayList<>();
        for (String q : queries) {
            Matcher m = SERIES.matcher(q);
            while (m.find()) {
                if (!exported.contains(m.group()) && !out.contains(m.group())) {
                    out.add(m.group());
                }
            }
        }
        return out;
    }

    private static List<String> dashboardQueries(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("query").has("query")) {
                out.add(variable.path("query").path("query").asText());
            }
        }
        return out;
    }

    /** The Prometheus series of every {@code umbra.*} meter registered in a module's main sources. */
    static Set<String> exportedSeries() {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.walk(REPO)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
                    && !p.toString().contains("/target/") && !p.toString().contains("/node_modules/")).toList()) {
                String src = Files.readString(f);
                Matcher m = BUILDER.matcher(src);
                while (m.find()) {
                    int end = src.indexOf(".register(", m.end());
                    String chain = end < 0 ? "" : src.substring(m.end(), end);
                    addSeries(out, m.group(1), m.group(2).replace('.', '_'),
                            chain.contains("publishPercentileHistogram") || chain.contains("serviceLevelObjectives"),
                            chain.contains("publishPercentiles("));
                }
                Matcher g = REGISTRY_GAUGE.matcher(src);
                while (g.find()) {
                    out.add(g.group(1).replace('.', '_'));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(out.size() > 40, "found the services' meters: " + out);
        return out;
    }

    private static void addSeries(Set<String> out, String kind, String base, boolean histogram, boolean quantiles) {
        switch (kind) {
            case "Counter", "FunctionCounter" -> out.add(base + "_total");
            case "Gauge" -> out.add(base);
            case "Timer", "FunctionTimer", "LongTaskTimer" -> {
                String s = base + "_seconds";
                out.addAll(List.of(s + "_count", s + "_sum", s + "_max"));
                if (quantiles) {
                    out.add(s);
                }
                if (histogram) {
                    out.add(s + "_bucket");
                }
            }
            case "DistributionSummary" -> {
                out.addAll(List.of(base + "_count", base + "_sum", base + "_max"));
                if (quantiles) {
                    out.add(base);
                }
                if (histogram) {
                    out.add(base + "_bucket");
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }
}
