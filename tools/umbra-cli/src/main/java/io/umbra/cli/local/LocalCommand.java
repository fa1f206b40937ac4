package io.umbra.cli.local;

import io.umbra.cli.CommandFailure;
import io.umbra.cli.load.DurationConverter;
import io.umbra.events.TenantId;
import io.umbra.local.LocalPipeline;
import io.umbra.local.LocalPipelineBuilder;
import io.umbra.local.PipelineMonitor;
import io.umbra.local.Service;
import io.umbra.traffic.TrafficGenerator;
import io.umbra.traffic.TrafficProducer;
import io.umbra.traffic.TrafficProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code umbra local}: the whole pipeline on this machine (embedded broker, the five services as
 * processes) with generated card traffic per tenant, progress once a second, and a summary at the end
 * (after {@code --duration}, or on Ctrl-C).
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
        "Run Umbra end to end on this machine: a Kafka broker in this process, every tenant's topics, the five services "
            + "(ingest, encrypt, he-scoring, key, alert) as child processes from their packaged jars, and synthetic card "
            + "traffic with planted frauds for each tenant.",
        "Shows what each tenant's pipeline has produced once a second; Ctrl-C (or the end of --duration) stops the "
            + "traffic, the services and the broker and prints a summary. Logs and keys stay in the run directory."},
    footer = {"", "Examples:", "  ./umbra local", "  ./umbra local --tenants acme --rate 50 --duration 2m --seed 7",
        "  ./umbra local --no-traffic        # just the stack; send your own to <tenant>.tx.raw or POST /transactions",
        "  ./umbra local --secure            # the broker requires SCRAM logins and enforces production's per-tenant ACLs",
        "  ./umbra local --model logistic --features 1   # the logistic model on per-transaction features"})
public final class LocalCommand implements Callable<Integer> {
    private static final List<String> HOME_COUNTRIES = List.of("DE", "FR", "NL", "AT", "IT", "ES");

    @Spec
    CommandSpec spec;

    @Option(names = "--tenants", paramLabel = "T1,T2", split = ",", defaultValue = "acme,globex",
            description = "Tenant ids (banks), comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> tenants;

    @Option(names = "--rate", paramLabel = "TX_PER_S", defaultValue = "200",
            description = "Transactions per second per tenant (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 60s, 5m, 1h (default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed of the traffic generator (default: a random one, printed).")
    Long seed;

    @Option(names = "--fraud-rate", paramLabel = "FRACTION", defaultValue = "0.005",
            description = "Fraction of transactions that are planted frauds (default: ${DEFAULT-VALUE}).")
    double fraudRate;

    @Option(names = "--model", paramLabel = "KIND", defaultValue = "network",
            description = {"The model every tenant is served: network (the square-activation network, encrypted at CKKS set (a) with "
                + "relinearization keys; the default) or logistic (set (b)). Trained once per traffic shape on traffic like this run's, "
                + "signed, cached under target/umbra-local/models/; its signed card gives the alert-service its threshold."})
    String model;

    @Option(names = "--features", paramLabel = "V", defaultValue = "3",
            description = "Feature schema of ingest and the model: 3 (per-card behaviour, digital goods; the default), 2 or 1.")
    int features;

    @Option(names = "--breaches", paramLabel = "TIMING", defaultValue = "demo",
            description = {"Compromised-merchant timing: demo (stolen cards used 1 to 1.5 minutes after the purchase at the breached "
                + "merchant, so the pattern shows within minutes; the default) or realistic (2 to 7 days: never within a local run)."})
    String breaches;

    @Option(names = "--no-traffic", description = "Start the stack only: no generated transactions.")
    boolean noTraffic;

    @Option(names = "--secure",
            description = {"Run the broker with SASL/SCRAM-SHA-512 and production's ACLs (the KafkaUsers of k8s/): every service logs in "
                + "as its own principal (<tenant>.<service>, umbra-he-scoring) and may touch only its own tenant's topics; the "
                + "scoring pool only the score.requests/results/dlq topics. Random passwords in owner-only files under "
                + "<run-dir>/kafka-credentials/."})
    boolean secure;

    @Option(names = "--brokers", paramLabel = "N",
            description = {"Run N Kafka brokers as processes of their own: 1, or 3 (a KRaft quorum; every topic, the offsets and "
                + "the transaction-state topics with replication factor 3 and min.insync.replicas 2), so that one can be killed "
                + "and restarted (their pids and logs are under <run-dir>/kafka-cluster/). Default: one broker inside this JVM. "
                + "Not with --secure yet."})
    Integer brokers;

    @Option(names = "--no-supervisor",
            description = {"Leave a service that exits dead. By default a supervisor restarts it, as Kubernetes' restartPolicy Always "
                + "would (same instance id; back-off 1 s, 2 s, 4 s … 30 s on repeated crashes), and with --brokers a broker process "
                + "too (with its data, as a StatefulSet's pod), prints each exit and restart, and the summary counts the restarts "
                + "per process. ./umbra chaos needs the supervisor."})
    boolean noSupervisor;

    @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "8080",
            description = "HTTP ports are PORT+1..5 for the first tenant, PORT+11..15 for the second, … (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Where logs, keys and state go (default: target/umbra-local/<date-time> under the repository).")
    Path runDir;

    @Option(names = "--root", paramLabel = "DIR",
            description = "The repository with the built service jars (default: $UMBRA_ROOT, else the checkout this CLI was built in).")
    Path root;

    @Option(names = "--ready-timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "180s",
            description = "How long each service may take to become ready (default: ${DEFAULT-VALUE}).")
    Duration readyTimeout;

    private volatile boolean interruptedByUser;

    @Override
    public Integer call() {
        if (!(rate > 0 && rate <= 100_000)) {
            throw new ParameterException(spec.commandLine(), "--rate must be in (0, 100000] transactions per second, got " + rate);
        }
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            throw new ParameterException(spec.commandLine(), "--duration must be positive, got " + duration);
        }
        if (readyTimeout.isZero() || readyTimeout.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--ready-timeout must be positive, got " + readyTimeout);
        }
        if (brokers != null && brokers != 1 && brokers != 3) {
            throw new ParameterException(spec.commandLine(), "--brokers must be 1 or 3, got " + brokers);
        }
        if (brokers != null && secure) {
            throw new ParameterException(spec.commandLine(), "--brokers runs PLAINTEXT broker processes; --secure needs the in-JVM broker for now");
        }
        if (!(fraudRate >= 0 && fraudRate <= 0.5)) {
            throw new ParameterException(spec.commandLine(), "--fraud-rate must be in [0, 0.5], got " + fraudRate);
        }
        if (!model.equals("network") && !model.equals("logistic")) {
            throw new ParameterException(spec.commandLine(), "--model must be network or logistic, got " + model);
        }
        if (!io.umbra.events.features.FeatureSchema.isKnownTx(features)) {
            throw new ParameterException(spec.commandLine(), "--features must be " + io.umbra.events.features.FeatureSchema.knownTxVersions() + ", got " + features);
        }
        if (!breaches.equals("demo") && !breaches.equals("realistic")) {
            throw new ParameterException(spec.commandLine(), "--breaches must be demo or realistic, got " + breaches);
        }
        List<TenantId> ids = new ArrayList<>();
        for (String t : tenants) {
            ids.add(TenantId.of(t.trim()));
        }
        Path repository = repositoryRoot();
        Path run = runDir != null ? runDir : repository.resolve("target/umbra-local")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        long traffSeed = seed != null ? seed : new SecureRandom().nextInt(1_000_000);
        PrintWriter out = spec.commandLine().getOut();

        // Ctrl-C: this hook asks the main thread to wind down in order, and waits for it to finish.
        Thread main = Thread.currentThread();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interruptedByUser = true;
            main.interrupt();
            try {
                finished.await(90, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "umbra-local-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(ids, repository, run, traffSeed, out);
        } finally {
            finished.countDown();
            if (!interruptedByUser) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down already
                }
            }
        }
    }

    private int run(List<TenantId> ids, Path repository, Path run, long trafficSeed, PrintWriter out) {
        out.println("umbra local: tenants " + String.join(", ", ids.stream().map(TenantId::value).toList())
                + ", model " + model + " on feature schema " + features
                + (noTraffic ? ", no traffic" : String.format(Locale.ROOT, ", %s tx/s each, seed %d, fraud rate %s",
                        number(rate), trafficSeed, fraudRate))
                + (duration != null ? ", for " + human(duration) : ", until Ctrl-C"));
        out.println("  run directory " + run);
        out.flush();
        // The broker's and Kafka clients' warnings go to a file of the run (see src/main/resources/log4j2.xml).
        System.setProperty("umbra.cli.log", run.resolve("logs").resolve("umbra-local.log").toString());
        LocalPipeline pipeline;
        try {
            LocalPipelineBuilder builder = LocalPipeline.builder().repositoryRoot(repository).tenants(ids).runDirectory(run).basePort(basePort)
                    .readyTimeout(readyTimeout).shutdownHook(false).kafkaSecurity(secure)
                    .brokers(brokers == null ? 0 : brokers)
                    .supervise(!noSupervisor)
                    .progress(message -> {
                        out.println("  " + message);
                        out.flush();
                    });
            builder.requireJars();
            // the model training and the fraud rate of the training traffic: at least 0.1 %, so the threshold has frauds to be chosen on
            LocalModel.Served served = LocalModel.prepare(repository.resolve("target/umbra-local/models"), model, features, rate,
                    Math.max(0.001, fraudRate), breaches.equals("realistic"), message -> {
                        out.println("  " + message);
                        out.flush();
                    });
            serve(builder, served, ids, run);
            pipeline = builder.start();
        } catch (IllegalStateException e) {
            if (interruptedByUser) {
                out.println("umbra local: interrupted while starting; everything started was stopped again.");
                out.flush();
                return 130;
            }
            throw new CommandFailure(e.getMessage(), e);
        }

        Map<TenantId, TenantTally> tallies = new LinkedHashMap<>();
        ids.forEach(t -> tallies.put(t, new TenantTally()));
        Map<TenantId, TrafficProducer> producers = new LinkedHashMap<>();
        List<Thread> producerThreads = new ArrayList<>();
        PipelineMonitor monitor = null;
        long started = System.nanoTime();
        try {
            monitor = PipelineMonitor.start(pipeline.bootstrapServers(), pipeline.operatorClientProperties(), ids,
                    (tenant, score) -> tallies.get(tenant).scored(score),
                    (tenant, alert) -> tallies.get(tenant).alerted(alert));
            printWhere(pipeline, out);
            if (!noTraffic) {
                for (int i = 0; i < ids.size(); i++) {
                    TenantId tenant = ids.get(i);
                    TrafficProfile profile = LocalModel.profile(tenant, homeCountry(i), fraudRate, breaches.equals("realistic"));
                    TrafficProducer.Builder traffic = TrafficProducer.builder().bootstrapServers(pipeline.bootstrapServers())
                            .generator(new TrafficGenerator(profile, trafficSeed + 1_000_003L * i)).rate(rate)
                            .onSent(tallies.get(tenant)::sent);
                    if (pipeline.kafkaSecurity()) {
                        // the bank's side writes its raw transactions with its own ingest identity, not the broker admin's
                        pipeline.kafkaClientProperties(pipeline.kafkaPrincipal(tenant, Service.INGEST)).forEach(traffic::producerProperty);
                    }
                    TrafficProducer producer = traffic.build();
                    producers.put(tenant, producer);
                    Thread t = new Thread(producer::run, "traffic-" + tenant);
                    t.setDaemon(true);
                    producerThreads.add(t);
                }
                producerThreads.forEach(Thread::start);
            }
            started = System.nanoTime();
            Progress progress = new Progress(out, System.console() != null);
            long deadline = duration == null ? Long.MAX_VALUE : started + duration.toNanos();
            while (!interruptedByUser && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(Math.max(1, Math.min(1_000, (deadline - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    break;
                }
                progress.show(lines(ids, monitor, producers, tallies));
            }
            Thread.interrupted();   // clear a Ctrl-C's interrupt before the orderly stop
            producers.values().forEach(TrafficProducer::stop);
            for (Thread t : producerThreads) {
                join(t);
            }
            long elapsed = System.nanoTime() - started;
            if (!interruptedByUser && !producers.isEmpty()) {
                progress.detach();
                drain(ids, monitor, out);
            }
            progress.show(lines(ids, monitor, producers, tallies));
            printSummary(ids, monitor, producers, tallies, elapsed, trafficSeed, run, out);
            printRestarts(pipeline, out);
        } finally {
            producers.values().forEach(TrafficProducer::close);
            if (monitor != null) {
                monitor.close();
            }
            try {
                pipeline.close();
            } catch (RuntimeException e) {
                // reported, not thrown: it would hide whatever ended the run
                out.println("umbra local: stopping was not clean: " + e.getMessage());
            }
            out.println("umbra local: stopped. Logs and keys are in " + run);
            out.flush();
        }
        return interruptedByUser ? 130 : 0;
    }

    private static String homeCountry(int tenantIndex) {
        return HOME_COUNTRIES.get(tenantIndex % HOME_COUNTRIES.size());
    }

    /**
     * Serves {@code served} to every tenant, as the model owner, the pool operator and each bank would configure it: the signed
     * model in the pool's per-tenant models directory with the owner's key pinned; each bank's ingest on the model's feature
     * schema and its own home country; its key-service at set (a) with relinearization keys for a network; its alert-service
     * taking the threshold from the model's signed card, verified with the same pinned key (the card never passes through the pool).
     */
    private static void serve(LocalPipelineBuilder builder, LocalModel.Served served, List<TenantId> ids, Path run) {
        Path models = run.resolve("models");
        try {
            java.nio.file.Files.createDirectories(models);
            for (TenantId t : ids) {
                java.nio.file.Files.copy(served.model(), models.resolve(t.value() + ".json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            java.nio.file.Files.copy(served.verificationKey(), run.resolve("model-verification.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.file.Files.copy(served.card(), run.resolve("model-card.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new CommandFailure("cannot place the served model in " + run + ": " + e.getMessage(), e);
        }
        String pinned = run.resolve("model-verification.json").toString();
        builder.env(Service.HE_SCORING, "UMBRA_MODELS_DIR", models.toString())
                .env(Service.HE_SCORING, "UMBRA_MODEL_VERIFICATION_KEY_FILE", pinned)
                .env(Service.INGEST, "UMBRA_FEATURE_SCHEMA_VERSION", String.valueOf(served.featureSchema()))
                .env(Service.ALERT, "UMBRA_ALERT_MODEL_CARD_FILE", run.resolve("model-card.json").toString())
                .env(Service.ALERT, "UMBRA_ALERT_MODEL_VERIFICATION_KEY_FILE", pinned);
        if (served.kind().equals("network")) {
            builder.env(Service.KEY, "UMBRA_HE_PARAMS", "a").env(Service.KEY, "UMBRA_HE_RELIN_KEYS", "true")
                    // the network's worst case over valid transactions, not the key-service's default ±64
                    .env(Service.KEY, "UMBRA_NETWORK_MAX_ABS_LOGIT", String.valueOf(Math.ceil(served.maxAbsLogit()) + 1));
            if (served.featureSchema() >= 2) {
                // 27 (28) fresh ciphertexts at N = 8192 (≈ 331 KB each) and the manifest do not fit an 8 MiB envelope (docs/EVENTS.md)
                builder.maxEnvelopeBytes(io.umbra.events.Topics.WIDE_ENVELOPE_BYTES);
            }
            // at set (a) a batch costs four times the encryption of set (b) whatever its size: fuller, fewer batches
            builder.env(Service.ENCRYPT, "UMBRA_BATCH_LATENCY_BUDGET_MS", "1000");
        }
        for (int i = 0; i < ids.size(); i++) {
            builder.env(ids.get(i), Service.INGEST, "UMBRA_FEATURES_HOME_COUNTRY", homeCountry(i));
        }
    }

    /** Waits (at most 30 s) until every transaction produced has come back as a score, or nothing moves for 5 s. */
    private static void drain(List<TenantId> ids, PipelineMonitor monitor, PrintWriter out) {
        out.println();
        out.println("traffic stopped; waiting for the pipeline to score what is in flight …");
        out.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long lastChange = System.nanoTime();
        long last = -1;
        while (System.nanoTime() < deadline && System.nanoTime() - lastChange < Duration.ofSeconds(5).toNanos()) {
            long scored = 0;
            boolean done = true;
            for (TenantId t : ids) {
                PipelineMonitor.Counts c = monitor.counts(t);
                scored += c.scores() + c.deadLetterTotal();
                done &= c.scores() + c.deadLetterTotal() >= c.raw();
            }
            if (done) {
                return;
            }
            if (scored != last) {
                last = scored;
                lastChange = System.nanoTime();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private List<String> lines(List<TenantId> ids, PipelineMonitor monitor, Map<TenantId, TrafficProducer> producers,
                               Map<TenantId, TenantTally> tallies) {
        int width = ids.stream().mapToInt(t -> t.value().length()).max().orElse(4);
        List<String> lines = new ArrayList<>();
        for (TenantId t : ids) {
            PipelineMonitor.Counts c = monitor.counts(t);
            TrafficProducer p = producers.get(t);
            TenantTally tally = tallies.get(t);
            String source = p != null ? String.format(Locale.ROOT, "sent %9s", number(p.sent())) : String.format(Locale.ROOT, "raw %9s", number(c.raw()));
            String frauds = p != null ? String.format(Locale.ROOT, "   planted frauds %s, alerted %s", number(tally.plantedSent()),
                    number(tally.plantedAlerted())) : "";
            lines.add(String.format(Locale.ROOT, "%-" + width + "s  %s  features %9s  scores %9s  alerts %6s  dlq %s%s", t.value(), source,
                    number(c.features()), number(c.scores()), number(c.alerts()), number(c.deadLetterTotal()), frauds));
        }
        return lines;
    }

    private void printWhere(LocalPipeline pipeline, PrintWriter out) {
        out.println();
        out.println("Umbra is running. Broker: " + pipeline.bootstrapServers() + " (topics <tenant>.tx.raw, … <tenant>.alerts)");
        for (TenantId t : pipeline.tenants()) {
            out.println("  " + t);
            // a sign-in link for this terminal only (never written to a file or the log): valid 30 minutes
            out.println("    alerts page    " + pipeline.credentials().pageLink(t, "http://localhost:" + pipeline.httpPort(t, Service.ALERT) + "/")
                    + "   (signs in as " + t + "-analyst; the link works for "
                    + io.umbra.local.DevCredentials.PAGE_LINK_LIFETIME.toMinutes() + " min)");
            out.println("    alerts API     curl -H \"Authorization: Bearer $(cat '" + pipeline.credentials().analystToken(t) + "')\" http://localhost:"
                    + pipeline.httpPort(t, Service.ALERT) + "/alerts");
            out.println("    admin token    " + pipeline.credentials().adminToken(t) + "   (key operations; valid 12 h)");
            out.println("    ingest API     POST http://localhost:" + pipeline.httpPort(t, Service.INGEST) + "/transactions"
                    + "  (Authorization: Bearer $(cat " + pipeline.credentials().submitterToken(t) + "))");
            out.println("    metrics        http://localhost:{" + pipeline.managementPort(t, Service.INGEST) + ","
                    + pipeline.managementPort(t, Service.ENCRYPT) + "," + pipeline.managementPort(t, Service.KEY) + ","
                    + pipeline.managementPort(t, Service.ALERT) + "}/q/metrics   (ingest, encrypt, key, alert)");
            out.println("    API docs       http://localhost:{" + pipeline.managementPort(t, Service.INGEST) + "," + pipeline.managementPort(t,
                    Service.KEY) + "," + pipeline.managementPort(t, Service.ALERT) + "}/q/swagger-ui   (OpenAPI: /q/openapi; ingest, key, alert)");
        }
        if (pipeline.kafkaSecurity()) {
            out.println("  Kafka security   SASL_PLAINTEXT with SCRAM-SHA-512 and ACLs; each service logs in as its own principal:");
            for (TenantId t : pipeline.tenants()) {
                out.println("    " + t + "  " + String.join(", ", List.of(Service.INGEST, Service.ENCRYPT, Service.KEY, Service.ALERT).stream()
                        .map(s -> pipeline.kafkaPrincipal(t, s)).toList()));
            }
            out.println("    scoring pool  " + pipeline.kafkaPrincipal(null, Service.HE_SCORING) + "   (broker super user: admin)");
            out.println("    passwords     " + pipeline.kafkaCredentialsDirectory() + "/<principal>.password   (owner-only)");
            out.println("    CLI login     --sasl-user admin --sasl-password-file " + pipeline.kafkaPasswordFile("admin")
                    + "   (./umbra load, produce, dlq with --bootstrap " + pipeline.bootstrapServers() + ")");
        }
        out.println("  scoring pool     http://localhost:" + pipeline.managementPort(pipeline.tenants().get(0), Service.HE_SCORING)
                + "/q/metrics   (shared by every tenant)");
        out.println("  logs             " + pipeline.logDirectory());
        boolean brokerProcesses = !pipeline.brokerRestarts().isEmpty();
        out.println("  supervisor       " + (!pipeline.supervised() ? "off (--no-supervisor): a service that exits stays dead"
                : brokerProcesses ? "on: a service or broker process that exits is restarted (./umbra chaos"
                        + (pipeline.brokerRestarts().size() == 3 ? " --brokers" : "") + " kills them at random)"
                : "on: a service that exits is restarted (./umbra chaos kills them at random)"));
        out.println(duration == null ? "Press Ctrl-C to stop." : "Stopping by itself after " + human(duration) + " (or Ctrl-C).");
        out.println();
        out.flush();
    }

    private static void printSummary(List<TenantId> ids, PipelineMonitor monitor, Map<TenantId, TrafficProducer> producers,
                                     Map<TenantId, TenantTally> tallies, long elapsedNanos, long trafficSeed, Path run, PrintWriter out) {
        out.println();
        out.println("Summary: ran " + human(Duration.ofNanos(elapsedNanos)) + (producers.isEmpty() ? "" : ", traffic seed " + trafficSeed));
        for (TenantId t : ids) {
            PipelineMonitor.Counts c = monitor.counts(t);
            TrafficProducer p = producers.get(t);
            TenantTally tally = tallies.get(t);
            out.println("  " + t);
            if (p != null) {
                out.println("    sent           " + number(p.sent()) + " transactions (" + number(tally.plantedSent()) + " planted frauds)"
                        + (p.failed() > 0 ? ", " + number(p.failed()) + " failed to send" : ""));
            }
            out.println("    pipeline       " + number(c.raw()) + " raw -> " + number(c.features()) + " feature vectors -> "
                    + number(c.scores()) + " decrypted scores -> " + number(c.alerts()) + " alerts");
            StringBuilder dlq = new StringBuilder();
            c.deadLetters().forEach((kind, n) -> {
                if (n > 0) {
                    dlq.append(dlq.isEmpty() ? "" : ", ").append(t).append('.').append(kind.suffix()).append(' ').append(number(n));
                }
            });
            out.println("    dead letters   " + (dlq.isEmpty() ? "none" : dlq));
            if (p != null) {
                out.println(String.format(Locale.ROOT, "    detection      recall %s (%s of %s planted frauds scored were alerted), precision %s"
                        + " (%s of %s alerts on this run's transactions were planted frauds)", percent(tally.recall()),
                        number(tally.plantedAlerted()), number(tally.plantedScored()), percent(tally.precision()), number(tally.plantedAlerted()),
                        number(tally.plantedAlerted() + tally.genuineAlerted())));
                StringBuilder patterns = new StringBuilder();
                for (io.umbra.traffic.FraudPattern fp : io.umbra.traffic.FraudPattern.values()) {
                    patterns.append(patterns.isEmpty() ? "" : ", ").append(fp.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(' ')
                            .append(tally.scored(fp) == 0 ? "did not appear" : number(tally.alerted(fp)) + "/" + number(tally.scored(fp)));
                }
                out.println("    by pattern     " + patterns);
                if (tally.foreignAlerted() > 0 || tally.foreignScored() > 0) {
                    out.println("    not ours       " + number(tally.foreignScored()) + " scores and " + number(tally.foreignAlerted())
                            + " alerts of transactions this run did not send (another producer): in neither figure");
                }
                out.println(String.format(Locale.ROOT, "    mean score     planted frauds %s, genuine %s",
                        probability(tally.plantedMeanProbability()), probability(tally.genuineMeanProbability())));
                long p50 = tally.latencyMillis(0.5);
                if (p50 >= 0) {
                    out.println(String.format(Locale.ROOT, "    latency        transaction to decrypted score: p50 %s, p95 %s, p99 %s",
                            millis(p50), millis(tally.latencyMillis(0.95)), millis(tally.latencyMillis(0.99))));
                }
            }
            if (c.unreadable() > 0) {
                out.println("    unreadable     " + number(c.unreadable()) + " score or alert records did not decode");
            }
        }
        out.flush();
    }

    /** The supervisor's restarts per service and broker process ("none" when nothing was restarted). */
    private static void printRestarts(LocalPipeline pipeline, PrintWriter out) {
        if (!pipeline.supervised()) {
            out.println("  restarts         not supervised (--no-supervisor)");
        } else {
            StringBuilder line = new StringBuilder();
            Map<String, Integer> all = new LinkedHashMap<>(pipeline.restarts());
            all.putAll(pipeline.brokerRestarts());
            all.forEach((name, n) -> {
                if (n > 0) {
                    line.append(line.isEmpty() ? "" : ", ").append(name).append(' ').append(n);
                }
            });
            out.println("  restarts         " + (line.isEmpty() ? "none" : line) + "   (by the supervisor, after exits nobody asked for)");
        }
        out.flush();
    }

    /** $UMBRA_ROOT (set by ./umbra), else the checkout the running jar sits in, else the working directory. */
    private Path repositoryRoot() {
        if (root != null) {
            return root.toAbsolutePath().normalize();
        }
        String env = System.getenv("UMBRA_ROOT");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        try {
            Path jar = Path.of(LocalCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // <root>/tools/umbra-cli/target/umbra-cli.jar (or target/classes in a build)
            for (Path p = jar.getParent(); p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("tools/umbra-cli/pom.xml"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | RuntimeException ignored) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    private static void join(Thread t) {
        try {
            t.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String number(double n) {
        return n == Math.rint(n) ? String.format(Locale.ROOT, "%,d", (long) n) : String.format(Locale.ROOT, "%,.1f", n);
    }

    private static String percent(double p) {
        return Double.isNaN(p) ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * p);
    }

    private static String probability(double p) {
        return Double.isNaN(p) ? "-" : String.format(Locale.ROOT, "%.3f", p);
    }

    private static String millis(long ms) {
        return ms < 1_000 ? ms + " ms" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        return s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /** One line per tenant, redrawn in place on a terminal, printed every 5 s otherwise (logs stay readable). */
    private static final class Progress {
        private final PrintWriter out;
        private final boolean terminal;
        private int shown;
        private long lastPrinted;

        Progress(PrintWriter out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        /** Lines printed after this stay; the next {@link #show} starts below them. */
        void detach() {
            shown = 0;
        }

        void show(List<String> lines) {
            if (terminal) {
                if (shown > 0) {
                    out.print("\033[" + shown + "A");
                }
                for (String line : lines) {
                    out.print("\r\033[2K" + line + "\n");
                }
                shown = lines.size();
            } else if (System.nanoTime() - lastPrinted >= Duration.ofSeconds(5).toNanos()) {
                lines.forEach(out::println);
                lastPrinted = System.nanoTime();
            }
            out.flush();
        }
    }
}
