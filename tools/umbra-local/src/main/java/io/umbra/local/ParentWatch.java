package io.umbra.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Makes the services die with the JVM that started them, even when that JVM is killed with SIGKILL and
 * its shutdown hook never runs. A tiny {@code /bin/sh} watchdog polls this JVM's pid once a second; when
 * it is gone, it sends SIGTERM and ten seconds later SIGKILL to the pids listed in the pid file. A clean
 * {@link LocalPipeline#close()} deletes the pid file first, so the watchdog then has nothing to do.
 *
 * <p>The services run in their own session ({@code setsid}, where it exists), so a Ctrl-C in the terminal
 * reaches only this JVM, which stops them in order; the watchdog ignores SIGINT for the same reason.
 * Without {@code /bin/sh} (Windows) there is no watchdog: only the shutdown hook.
 */
final class ParentWatch implements AutoCloseable {
    private static final String SCRIPT = """
            trap '' INT HUP
            parent=$1; pidfile=$2
            while kill -0 "$parent" 2>/dev/null; do sleep 1; done
            [ -f "$pidfile" ] || exit 0
            pids=$(cat "$pidfile")
            [ -n "$pids" ] || exit 0
            kill -TERM $pids 2>/dev/null
            sleep 10
            kill -KILL $pids 2>/dev/null
            rm -f "$pidfile"
            """;

    private final Path pidFile;
    private final Process watchdog;

    private ParentWatch(Path pidFile, Process watchdog) {
        this.pidFile = pidFile;
        this.watchdog = watchdog;
    }

    /** Starts the watchdog, or returns one that only keeps the pid file when there is no {@code /bin/sh}. */
    static ParentWatch start(Path pidFile) {
        Process p = null;
        if (Files.isExecutable(Path.of("/bin/sh"))) {
            try {
                p = new ProcessBuilder("/bin/sh", "-c", SCRIPT, "umbra-local-watchdog",
                        Long.toString(ProcessHandle.current().pid()), pidFile.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                p.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the watchdog that stops the services if this JVM dies", e);
            }
        }
        return new ParentWatch(pidFile, p);
    }

    /** Records the pids of the live services (written whole, then moved into place). */
    synchronized void update(Collection<ServiceProcess> processes) {
        String pids = processes.stream().filter(ServiceProcess::isAlive).map(sp -> Long.toString(sp.pid()))
                .collect(Collectors.joining(" "));
        try {
            Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
            Files.writeString(tmp, pids + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pidFile, e);
        }
    }

    /** The services are stopped: forget them and end the watchdog. */
    @Override
    public synchronized void close() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // the watchdog only acts when this JVM is gone; by then a stale file names dead pids
        }
        if (watchdog != null) {
            watchdog.destroy();
        }
    }
}
