package dev.mpibatch.agent.ssh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.process.Exec;

/** This node's own sshd, started from a generated configuration and stopped with the agent. */
public final class SshdProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SshdProcess.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final List<Path> SSHD_PATHS = List.of(Path.of("/usr/sbin/sshd"), Path.of("/usr/local/sbin/sshd"));

    private final Process process;
    private final Deque<String> lastLines;

    private SshdProcess(Process process, Deque<String> lastLines) {
        this.process = process;
        this.lastLines = lastLines;
    }

    /**
     * Writes the configuration to {@code configFile}, checks it with {@code sshd -t}, starts {@code sshd -D} and
     * waits until it accepts connections.
     */
    public static SshdProcess start(SshdSettings settings, Path configFile, Duration timeout) {
        Path sshd = SSHD_PATHS.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
                new IllegalStateException("sshd not found in /usr/sbin: install OpenSSH's server "
                        + "(Debian: apt-get install openssh-server)"));
        ClusterFiles.writePrivate(SshdConfig.sessionScript(settings), SshdConfig.sessionScriptText());
        ClusterFiles.makeExecutable(SshdConfig.sessionScript(settings));
        ClusterFiles.writePrivate(configFile, SshdConfig.render(settings));
        if (settings.root()) {
            privilegeSeparationDirectory();
        }
        check(sshd, configFile);
        Deque<String> lastLines = new ArrayDeque<>();
        Process process;
        try {
            process = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", configFile.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + sshd + ": " + e.getMessage(), e);
        }
        Thread pump = new Thread(() -> pump(process, lastLines), "sshd-log");
        pump.setDaemon(true);
        pump.start();
        SshdProcess sshdProcess = new SshdProcess(process, lastLines);
        sshdProcess.awaitListening(settings.listenAddress(), settings.port(), timeout);
        LOG.info("sshd listening on {}:{}", settings.listenAddress(), settings.port());
        return sshdProcess;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Stops sshd: SIGTERM, then SIGKILL after 5 s. Closing twice does nothing. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitListening(String address, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited with " + process.exitValue() + " on " + address + ":" + port
                        + ": " + String.join(" | ", snapshot()));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 500);
                return;
            } catch (IOException e) {
                sleep(50);
            }
        }
        close();
        throw new IllegalStateException("sshd did not accept connections on " + address + ":" + port + " within "
                + timeout.toSeconds() + "s: " + String.join(" | ", snapshot()));
    }

    private List<String> snapshot() {
        synchronized (lastLines) {
            return List.copyOf(lastLines);
        }
    }

    private static void pump(Process process, Deque<String> lastLines) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                LOG.debug("sshd: {}", line);
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > 20) {
                        lastLines.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("sshd output closed: {}", e.getMessage());
        }
    }

    private static void check(Path sshd, Path configFile) {
        Exec.Result test = Exec.of(sshd.toString(), "-t", "-f", configFile.toString()).timeout(CHECK_TIMEOUT).run();
        if (!test.succeeded()) {
            throw new IllegalStateException("sshd rejects the generated configuration " + configFile + ": "
                    + (test.stdout() + test.stderr()).strip());
        }
    }

    private static void privilegeSeparationDirectory() {
        try {
            Files.createDirectories(Path.of("/run/sshd"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create /run/sshd, which sshd needs when run as root: " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for sshd", e);
        }
    }
}
