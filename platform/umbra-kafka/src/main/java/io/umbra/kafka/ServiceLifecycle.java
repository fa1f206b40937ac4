package io.umbra.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start and stop of a service built on {@link ExactlyOnceProcessor}: the start-up work that waits
 * (for topics, keys, bundles) runs on one background thread so the application starts at once; at
 * shutdown that thread is interrupted and everything the service opened is closed, the last opened first
 * (the processor before the clients it feeds, so the transaction in progress finishes).
 *
 * <pre>{@code
 * lifecycle.closeAtStop(audit);
 * lifecycle.startOnce("key-service-start", this::connect);
 * ...                                   // on the start-up thread:
 * lifecycle.unlessStopping(processor::start);
 * lifecycle.closeAtStop(processor);
 * ...                                   // at ShutdownEvent:
 * lifecycle.stop();
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 * <ul>
 *   <li>Nothing starts after {@link #stop()} began: {@link #startOnce} and {@link #unlessStopping} refuse,
 *       and a start already under way finishes before {@code stop()} closes anything.</li>
 *   <li>Every resource registered is closed exactly once, in reverse order; one that throws is logged and
 *       the others are still closed. One registered after the stop is closed at once.</li>
 * </ul>
 */
public final class ServiceLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLifecycle.class);

    private final String service;
    private final CountDownLatch stopping = new CountDownLatch(1);
    /** Guarded by {@code this}. */
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    /** Guarded by {@code this}. */
    private Thread starter;

    /** @param service the service's name, for the log */
    public ServiceLifecycle(String service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    /**
     * Runs {@code startUp} on a daemon thread named {@code threadName}, the first time only and not once
     * stopping; true if this call started it.
     */
    public synchronized boolean startOnce(String threadName, Runnable startUp) {
        if (starter != null || isStopping()) {
            return false;
        }
        starter = new Thread(startUp, threadName);
        starter.setDaemon(true);
        starter.start();
        return true;
    }

    /** Runs {@code start} unless the service is stopping, never concurrently with {@link #stop()}; true if it ran. */
    public synchronized boolean unlessStopping(Runnable start) {
        if (isStopping()) {
            return false;
        }
        start.run();
        return true;
    }

    /**
     * Closes {@code resource} at {@link #stop()}, after everything registered later; at once if the stop has
     * begun. Returns it. A method reference does for things that stop otherwise ({@code watcher::stop},
     * {@code executor::shutdownNow}).
     */
    public <T extends AutoCloseable> T closeAtStop(T resource) {
        Objects.requireNonNull(resource, "resource");
        synchronized (this) {
            if (!isStopping()) {
                toClose.push(resource);
                return resource;
            }
        }
        close(resource);
        return resource;
    }

    /** Whether {@link #stop()} has begun. */
    public boolean isStopping() {
        return stopping.getCount() == 0;
    }

    /** Waits up to {@code timeout} for the stop; true if stopping (or interrupted: a start-up thread gives up either way). */
    public boolean awaitStop(Duration timeout) {
        try {
            return stopping.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Stops the start-up thread and closes what was registered, the last first. Waits for a start in
     * {@link #unlessStopping} to finish first. Idempotent.
     */
    public void stop() {
        List<AutoCloseable> closing;
        synchronized (this) {
            stopping.countDown();
            if (starter != null) {
                starter.interrupt();
            }
            closing = new ArrayList<>(toClose);
            toClose.clear();
        }
        for (AutoCloseable resource : closing) {
            close(resource);
        }
    }

    private void close(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("{}: closing {} at shutdown failed: {}", service, resource, e.toString());
        }
    }
}
