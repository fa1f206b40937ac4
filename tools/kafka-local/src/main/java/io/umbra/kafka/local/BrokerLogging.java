package io.umbra.kafka.local;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.slf4j.LoggerFactory;

/**
 * Keeps the broker quiet: its log categories at WARN, or at the level named by the environment
 * variable {@code UMBRA_KAFKA_LOG} (or the system property {@code umbra.kafka.log}): {@code trace},
 * {@code debug}, {@code info}, {@code warn}, {@code error}.
 *
 * <p>The broker logs through SLF4J, so the level is set on whichever backend SLF4J found: Log4j 2
 * (the broker process and plain-JVM tests), JBoss LogManager (Quarkus tests) or java.util.logging.
 * Only broker categories are touched (and the configuration dump every Kafka client shares); the
 * clients of the code under test keep their own levels.
 */
public final class BrokerLogging {
    /** The environment variable that raises the broker's log level, e.g. {@code UMBRA_KAFKA_LOG=debug}. */
    public static final String ENV = "UMBRA_KAFKA_LOG";
    /** The same as a system property, for a test run. */
    public static final String PROPERTY = "umbra.kafka.log";

    /**
     * The categories the broker (server, controller, Raft, storage, coordinators) logs under. Clients'
     * categories ({@code org.apache.kafka.clients}) are left alone: they belong to the code under test.
     */
    static final List<String> CATEGORIES = List.of(
            "kafka", "state.change.logger",
            "org.apache.kafka.server", "org.apache.kafka.controller", "org.apache.kafka.raft",
            "org.apache.kafka.metadata", "org.apache.kafka.image", "org.apache.kafka.snapshot",
            "org.apache.kafka.storage", "org.apache.kafka.coordinator", "org.apache.kafka.queue",
            "org.apache.kafka.network", "org.apache.kafka.security", "org.apache.kafka.deferred",
            // Every Kafka config (the broker's, four times per start) is dumped at INFO through this one
            // logger; it silences the clients' dumps in the same JVM too, which nobody reads either.
            "org.apache.kafka.common.config.AbstractConfig",
            "org.apache.kafka.clients.admin.AdminClientConfig");

    // JUL-based loggers are weakly held by their LogManager: keep them, or the level is lost on GC.
    private static final List<Object> RETAINED = new ArrayList<>();

    private BrokerLogging() {
    }

    /** The level asked for by {@value #ENV} / {@value #PROPERTY}, upper case; {@code WARN} when unset or not a level. */
    public static String level() {
        String asked = System.getProperty(PROPERTY, System.getenv(ENV));
        if (asked == null || asked.isBlank()) {
            return "WARN";
        }
        String level = asked.trim().toUpperCase(Locale.ROOT);
        return List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level) ? level : "WARN";
    }

    /** Sets the broker categories to {@link #level()} on the active SLF4J backend. Safe to call more than once. */
    public static synchronized void quietBroker() {
        String level = level();
        String factory = LoggerFactory.getILoggerFactory().getClass().getName();
        if (factory.startsWith("org.apache.logging.slf4j")) {
            Log4j.setLevels(CATEGORIES, level);
        } else if (jbossLogContext() != null) {
            // slf4j-jboss-logmanager (Quarkus), whose factory is plain org.slf4j.impl.Slf4jLoggerFactory
            for (String category : CATEGORIES) {
                jbossLogger(category, level);
            }
        } else if (factory.startsWith("org.slf4j.jul")) {
            for (String category : CATEGORIES) {
                java.util.logging.Logger logger = java.util.logging.Logger.getLogger(category);
                logger.setLevel(julLevel(level));
                RETAINED.add(logger);
            }
        }
        // any other backend (NOP, Logback): left as configured by its owner
    }

    /**
     * For the broker process: everything (root included) at {@link #level()}, on stderr, so stdout
     * carries only what {@link KafkaLocalMain} prints. Must run before the first logger is created.
     */
    static void configureProcess() {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "io/umbra/kafka/local/kafka-local-log4j2.xml");
        }
        // The broker still logs from its shutdown hook; Log4j must not stop (or start anew) under it.
        System.setProperty("log4j2.shutdownHookEnabled", "false");
        if (LoggerFactory.getILoggerFactory().getClass().getName().startsWith("org.apache.logging.slf4j")) {
            Log4j.setRootLevel(level());
        }
        quietBroker();
    }

    /** JBoss LogManager's current LogContext, by reflection (it is on a Quarkus test's classpath, not on ours), or null. */
    private static Object jbossLogContext() {
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(), BrokerLogging.class.getClassLoader()}) {
            try {
                Class<?> contextClass = Class.forName("org.jboss.logmanager.LogContext", true, loader);
                return contextClass.getMethod("getLogContext").invoke(null);
            } catch (ReflectiveOperationException | LinkageError | NullPointerException e) {
                // not there: try the next loader
            }
        }
        return null;
    }

    private static void jbossLogger(String category, String level) {
        try {
            Object context = jbossLogContext();
            Method getLogger = context.getClass().getMethod("getLogger", String.class);
            java.util.logging.Logger logger = (java.util.logging.Logger) getLogger.invoke(context, category);
            logger.setLevel(julLevel(level));
            RETAINED.add(logger);
        } catch (ReflectiveOperationException | ClassCastException | NullPointerException e) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(category);
            logger.setLevel(julLevel(level));
            RETAINED.add(logger);
        }
    }

    private static java.util.logging.Level julLevel(String level) {
        return switch (level) {
            case "TRACE" -> java.util.logging.Level.FINEST;
            case "DEBUG" -> java.util.logging.Level.FINE;
            case "INFO" -> java.util.logging.Level.INFO;
            case "ERROR" -> java.util.logging.Level.SEVERE;
            default -> java.util.logging.Level.WARNING;
        };
    }

    /** Log4j 2 core calls, in a class of their own so that nothing loads them unless Log4j is the backend. */
    private static final class Log4j {
        static void setLevels(List<String> categories, String level) {
            org.apache.logging.log4j.Level l = org.apache.logging.log4j.Level.toLevel(level);
            for (String category : categories) {
                org.apache.logging.log4j.core.config.Configurator.setLevel(category, l);
            }
        }

        static void setRootLevel(String level) {
            org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.toLevel(level));
        }
    }
}
