package io.umbra.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ServiceLifecycleTest {

    @Test
    void stopClosesEverythingOnceTheLastOpenedFirstEvenWhenOneThrows() {
        ServiceLifecycle lifecycle = new ServiceLifecycle("test-service");
        List<String> closed = new CopyOnWriteArrayList<>();
        lifecycle.closeAtStop(() -> closed.add("audit log"));
        lifecycle.closeAtStop(() -> {
            closed.add("publisher");
            throw new IllegalStateException("broker away");
        });
        lifecycle.closeAtStop(() -> closed.add("processor"));

        lifecycle.stop();
        lifecycle.stop();

        assertEquals(List.of("processor", "publisher", "audit log"), closed);
    }

    @Test
    void nothingStartsOnceTheStopHasBegunAndWhatOpensLateIsClosedAtOnce() {
        ServiceLifecycle lifecycle = new ServiceLifecycle("test-service");
        lifecycle.stop();
        AtomicBoolean ran = new AtomicBoolean();

        assertFalse(lifecycle.startOnce("late-start", () -> ran.set(true)));
        assertFalse(lifecycle.unlessStopping(() -> ran.set(true)));
        assertFalse(ran.get());
        AtomicInteger closes = new AtomicInteger();
        lifecycle.closeAtStop(closes::incrementAndGet);
        assertEquals(1, closes.get(), "a resource opened after the stop is not left open");
        assertTrue(lifecycle.isStopping());
        assertTrue(lifecycle.awaitStop(Duration.ZERO));
    }

    @Test
    void theStartUpThreadRunsOnceAndIsInterruptedByTheStop() throws Exception {
        ServiceLifecycle lifecycle = new ServiceLifecycle("test-service");
        CountDownLatch interrupted = new CountDownLatch(1);
        Runnable waitForever = () -> {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        };
        assertTrue(lifecycle.startOnce("start-up", waitForever));
        assertFalse(lifecycle.startOnce("start-up-again", waitForever), "one start-up thread per service");
        assertFalse(lifecycle.awaitStop(Duration.ofMillis(10)));

        lifecycle.stop();

        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the stop interrupts a start-up that waits");
    }

    @Test
    void aStopWaitsForAStartUnderWayBeforeClosing() throws Exception {
        ServiceLifecycle lifecycle = new ServiceLifecycle("test-service");
        CountDownLatch starting = new CountDownLatch(1);
        CountDownLatch finishStart = new CountDownLatch(1);
        List<String> events = new CopyOnWriteArrayList<>();
        Thread starter = new Thread(() -> lifecycle.unlessStopping(() -> {
            starting.countDown();
            try {
                finishStart.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.add("started");
            lifecycle.closeAtStop(() -> events.add("closed"));
        }));
        starter.start();
        assertTrue(starting.await(10, TimeUnit.SECONDS));
        Thread stopper = new Thread(lifecycle::stop);
        stopper.start();
        Thread.sleep(50);
        finishStart.countDown();
        stopper.join(10_000);
        starter.join(10_000);

        assertEquals(List.of("started", "closed"), events, "the processor started is the processor closed");
    }
}
