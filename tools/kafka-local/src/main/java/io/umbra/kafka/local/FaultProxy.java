package io.umbra.kafka.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy for fault tests: forwards {@code 127.0.0.1:port} to a target {@code host:port} in both directions,
 * until {@link #partition()} black-holes it as a network partition would, and {@link #heal()} ends that.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(0, "127.0.0.1", brokerPort)) {   // 0: a free port
 *     String bootstrap = proxy.address();                                 // 127.0.0.1:<proxy port>
 *     proxy.partition();   // nothing forwarded, nothing closed
 *     proxy.heal();        // the stalled connections are closed; new ones are forwarded again
 * }
 * }</pre>
 *
 * <p>What a partition does: every open connection stops forwarding in both directions, without closing
 * either side (no FIN, no RST: the peers see silence, and their own timeouts decide); bytes a side sends go
 * into the kernel's buffers and, at most one buffer of {@value #BUFFER_BYTES} bytes per direction, into this
 * proxy, and are never delivered. A connection accepted during the partition is accepted (the client's
 * connect succeeds, as to a load balancer in front of an unreachable network) and never connected onward.
 * A peer that closes its side meanwhile is not told to the other side either. {@link #heal()} closes every
 * connection that was stalled (both sides), so clients reconnect, and forwards new connections normally.
 *
 * <p>Resources: one daemon thread accepting, two daemon threads per forwarded connection (one per
 * direction), each with a fixed {@value #BUFFER_BYTES}-byte buffer; a connection accepted during a partition
 * holds its socket and no thread. Threads that wait (stalled, or in a blocking read) use no CPU. At most
 * {@value #MAX_CONNECTIONS} connections are held; one more is closed at once. {@link #close()} closes the
 * listening socket and every connection; the threads end with them.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);
    static final int BUFFER_BYTES = 64 * 1024;
    static final int MAX_CONNECTIONS = 512;
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final Set<Link> links = new LinkedHashSet<>();
    /** Guarded by {@link #lock}. */
    private boolean partitioned;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    private final AtomicLong bytesForwarded = new AtomicLong();
    private final AtomicLong bytesHeld = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    /** Guarded by {@link #lock}: pumps waiting on a stalled link with what they read (bytes or the end of stream). */
    private int waitingPumps;
    private final Thread acceptor;

    private FaultProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort() + "-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code 127.0.0.1:listenPort} (0: a free port) and forwards every connection to
     * {@code targetHost:targetPort}. The target need not be up yet: a connection it refuses is closed.
     */
    public static FaultProxy start(int listenPort, String targetHost, int targetPort) {
        if (listenPort < 0 || listenPort > 65_535 || targetPort < 1 || targetPort > 65_535) {
            throw new IllegalArgumentException("ports must be 0..65535 (listen) and 1..65535 (target), got " + listenPort
                    + " and " + targetPort);
        }
        InetSocketAddress target = new InetSocketAddress(Objects.requireNonNull(targetHost, "targetHost"), targetPort);
        ServerSocket server = null;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 64);
        } catch (IOException e) {
            closeQuietly(server);
            throw new UncheckedIOException("the fault proxy cannot listen on 127.0.0.1:" + listenPort, e);
        }
        FaultProxy proxy = new FaultProxy(server, target);
        proxy.acceptor.start();
        LOG.info("fault proxy 127.0.0.1:{} -> {}", server.getLocalPort(), target);
        return proxy;
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>}, for a client's {@code bootstrap.servers}. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Black-holes every connection, open or new, until {@link #heal()}. Idempotent. */
    public void partition() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the fault proxy is closed");
            }
            partitioned = true;
            links.forEach(l -> l.stalled = true);
        }
        LOG.info("fault proxy 127.0.0.1:{}: partitioned", port());
    }

    /** Ends a partition: closes every stalled connection and forwards new ones again. Returns how many it closed. */
    public int heal() {
        List<Link> stalled = new ArrayList<>();
        synchronized (lock) {
            partitioned = false;
            for (Link l : links) {
                if (l.stalled) {
                    stalled.add(l);
                }
            }
        }
        stalled.forEach(Link::close);
        LOG.info("fault proxy 127.0.0.1:{}: healed, {} stalled connections closed", port(), stalled.size());
        return stalled.size();
    }

    /** Whether a partition is on. */
    public boolean partitioned() {
        synchronized (lock) {
            return partitioned;
        }
    }

    /** Connections held now (forwarded or stalled). */
    public int connections() {
        synchronized (lock) {
            return links.size();
        }
    }

    /** Connections accepted since the start, the refused and the closed ones included. */
    public long accepted() {
        return accepted.get();
    }

    /** Bytes delivered to either side since the start. */
    public long bytesForwarded() {
        return bytesForwarded.get();
    }

    /** Bytes read from a side during a partition and held, undelivered, now (at most one buffer per direction). */
    public long bytesHeld() {
        return bytesHeld.get();
    }

    /** Pumps holding a read (bytes or an end of stream) on a stalled connection now; for tests. */
    int waitingPumps() {
        synchronized (lock) {
            return waitingPumps;
        }
    }

    /** Stops listening and closes every connection. Idempotent. */
    @Override
    public void close() {
        List<Link> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(links);
        }
        closeQuietly(server);
        all.forEach(Link::close);
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                }
                LOG.warn("fault proxy 127.0.0.1:{}: accept failed: {}", port(), e.toString());
                continue;
            }
            accepted.incrementAndGet();
            Link link = new Link(client);
            boolean forward;
            synchronized (lock) {
                if (closed || links.size() >= MAX_CONNECTIONS) {
                    forward = false;
                    link.closed = true;
                } else {
                    links.add(link);
                    link.stalled = partitioned;
                    forward = !partitioned;
                }
            }
            if (link.closed) {
                closeQuietly(client);
            } else if (forward) {
                Thread t = new Thread(link::connectAndForward, "fault-proxy-" + port() + "-up");
                t.setDaemon(true);
                t.start();
            }
            // accepted during a partition: held, no thread, until heal() or close()
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
        }
    }

    /** One client connection and, once connected, its connection to the target. */
    private final class Link {
        private final Socket client;
        /** Set once, before the pumps start. */
        private volatile Socket upstream;
        /** Guarded by {@link #lock}. */
        boolean stalled;
        /** Guarded by {@link #lock}. */
        boolean closed;

        Link(Socket client) {
            this.client = client;
        }

        void connectAndForward() {
            Socket up = new Socket();
            try {
                client.setTcpNoDelay(true);
                up.setTcpNoDelay(true);
                up.connect(target, CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                closeQuietly(up);
                close();
                return;
            }
            upstream = up;
            synchronized (lock) {
                if (closed) {
                    closeQuietly(up);
                    return;
                }
            }
            Thread down = new Thread(() -> pump(up, client), "fault-proxy-" + port() + "-down");
            down.setDaemon(true);
            down.start();
            pump(client, up);
        }

        /** Copies {@code from} to {@code to} through one fixed buffer, holding what it read while the link is stalled. */
        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[BUFFER_BYTES];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int n = in.read(buffer);
                    // EOF too is held during a partition: the other side is not told
                    if (!awaitForwarding(Math.max(n, 0))) {
                        return;
                    }
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    bytesForwarded.addAndGet(n);
                }
            } catch (SocketException e) {
                // closed by heal(), close() or the peer
            } catch (IOException e) {
                LOG.debug("fault proxy 127.0.0.1:{}: {}", port(), e.toString());
            }
            close();
        }

        /** Waits while the link is stalled; false once it is closed (by heal() or close()). */
        private boolean awaitForwarding(int held) {
            synchronized (lock) {
                if (stalled && !closed) {
                    bytesHeld.addAndGet(held);
                    waitingPumps++;
                    try {
                        while (stalled && !closed) {
                            lock.wait();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    } finally {
                        waitingPumps--;
                        bytesHeld.addAndGet(-held);
                    }
                }
                return !closed;
            }
        }

        void close() {
            synchronized (lock) {
                closed = true;
                links.remove(this);
                lock.notifyAll();
            }
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }
}
