package io.umbra.kafka.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy against a plain echo server: forwarding, a partition's silence, heal, close. */
class FaultProxyTest {
    private EchoServer echo;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new EchoServer();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void forwardsBothWaysOverSeveralConnections() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(0, "127.0.0.1", echo.port());
             Socket a = connect(proxy); Socket b = connect(proxy)) {
            assertEquals("127.0.0.1:" + proxy.port(), proxy.address());
            assertArrayEquals(bytes("hello"), roundTrip(a, "hello"));
            assertArrayEquals(bytes("world"), roundTrip(b, "world"));
            byte[] big = new byte[3 * FaultProxy.BUFFER_BYTES + 17]; // more than one buffer each way
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            a.getOutputStream().write(big);
            assertArrayEquals(big, a.getInputStream().readNBytes(big.length));
            assertEquals(2, echo.accepted.get());
            assertEquals(2, proxy.connections());
        }
    }

    @Test
    void aPartitionForwardsNothingClosesNothingAndHealClosesTheStalledConnections() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(0, "127.0.0.1", echo.port()); Socket before = connect(proxy)) {
            assertArrayEquals(bytes("ping"), roundTrip(before, "ping"));
            long received = echo.received.get();

            proxy.partition();
            assertTrue(proxy.partitioned());
            before.getOutputStream().write(bytes("lost"));
            // the proxy has read the bytes and holds them: from here on, delivery could only come from it
            await(() -> proxy.bytesHeld() > 0, "the proxy holds bytes sent during the partition");
            assertEquals(received, echo.received.get(), "nothing reached the target during the partition");
            // silence, neither data nor end of stream: the connection is still open
            before.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> before.getInputStream().read());

            // a new connection is accepted, and never connected onward
            int targetConnections = echo.accepted.get();
            try (Socket during = connect(proxy)) {
                await(() -> proxy.connections() == 2, "the proxy holds the connection accepted during the partition");
                during.getOutputStream().write(bytes("also lost"));
                during.setSoTimeout(300);
                assertThrows(SocketTimeoutException.class, () -> during.getInputStream().read());
                assertEquals(targetConnections, echo.accepted.get(), "no connection to the target during the partition");

                assertEquals(2, proxy.heal());
                assertFalse(proxy.partitioned());
                before.setSoTimeout(10_000);
                during.setSoTimeout(10_000);
                assertClosedByProxy(before);
                assertClosedByProxy(during);
            }
            assertEquals(received, echo.received.get(), "the held bytes were dropped, not delivered late");
            // each stalled pump releases its count when it wakes after heal(), on its own thread
            await(() -> proxy.bytesHeld() == 0, "the held bytes released after the heal");

            // healed: new connections go through again
            try (Socket after = connect(proxy)) {
                assertArrayEquals(bytes("pong"), roundTrip(after, "pong"));
            }
        }
    }

    @Test
    void aPeerClosingDuringThePartitionIsNotToldToTheOtherSide() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(0, "127.0.0.1", echo.port())) {
            Socket client = connect(proxy);
            assertArrayEquals(bytes("x"), roundTrip(client, "x"));
            proxy.partition();
            client.close();
            await(() -> proxy.waitingPumps() == 1, "the proxy read the end of stream and holds it");
            assertEquals(1, proxy.connections());
            assertEquals(1, echo.open.get(), "the target's side of the connection stays open");
            proxy.heal();
            await(() -> echo.open.get() == 0, "heal closed the target's side");
        }
    }

    @Test
    void aRefusingTargetClosesTheClientAndCloseReleasesEverything() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        FaultProxy refusing = FaultProxy.start(0, "127.0.0.1", dead);
        try (Socket c = connect(refusing)) {
            c.setSoTimeout(10_000);
            assertClosedByProxy(c);
        } finally {
            refusing.close();
        }

        FaultProxy proxy = FaultProxy.start(0, "127.0.0.1", echo.port());
        int port = proxy.port();
        Socket open = connect(proxy);
        assertArrayEquals(bytes("y"), roundTrip(open, "y"));
        proxy.partition();
        Socket held = connect(proxy);
        await(() -> proxy.connections() == 2, "two connections held");
        proxy.close();
        proxy.close(); // idempotent
        open.setSoTimeout(10_000);
        held.setSoTimeout(10_000);
        assertClosedByProxy(open);
        assertClosedByProxy(held);
        open.close();
        held.close();
        assertEquals(0, proxy.connections());
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
        await(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("fault-proxy-" + port + "-")),
                "every thread of the closed proxy ended");
        assertThrows(IllegalStateException.class, proxy::partition);
    }

    @Test
    void refusesBadPorts() {
        assertThrows(IllegalArgumentException.class, () -> FaultProxy.start(-1, "127.0.0.1", 9092));
        assertThrows(IllegalArgumentException.class, () -> FaultProxy.start(0, "127.0.0.1", 0));
    }

    private static Socket connect(FaultProxy proxy) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(bytes(text));
        return s.getInputStream().readNBytes(text.length());
    }

    /** The proxy closed the connection: end of stream, or a reset. */
    private static void assertClosedByProxy(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read());
        } catch (SocketException reset) {
            // a reset is a close too
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Polls {@code condition} every 10 ms; fails after 10 s (a bound, not a timing claim). */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Echoes every connection; counts connections accepted and open, and bytes received. */
    private static final class EchoServer implements AutoCloseable {
        final ServerSocket server;
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final AtomicLong received = new AtomicLong();

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "echo-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    open.incrementAndGet();
                    Thread t = new Thread(() -> echo(s), "echo");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void echo(Socket s) {
            byte[] buffer = new byte[8192];
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received.addAndGet(n);
                    out.write(buffer, 0, n);
                }
            } catch (IOException ignored) {
                // the peer went away
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
