package dev.mpibatch.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.mpibatch.testing.Requirements;

/** The node image as tests get it: built by the README's command, bin/build-image, and run with bin/podman. */
public final class NodeImage {
    public static final String TAG = "localhost/mpi-batch:latest";
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private NodeImage() {
    }

    /** What a command printed and how it ended. */
    public record Result(int exitCode, String out, String err) {
    }

    /**
     * Builds (or finds up to date) the image; skipped here, failed in CI, when podman cannot be had (as root,
     * bin/build-image installs it).
     */
    public static Result build() {
        Requirements.require(Requirements.isRoot() || Requirements.onPath("podman"),
                "podman (as root bin/build-image installs it: apt-get install podman mmdebstrap uidmap)");
        Result result = run(Duration.ofMinutes(20), List.of(ROOT.resolve("bin/build-image").toString()));
        if (result.exitCode() != 0) {
            throw new AssertionError("bin/build-image failed (exit " + result.exitCode() + "):\n" + result.err());
        }
        return result;
    }

    /** Runs {@code bin/podman args...}. */
    public static Result podman(String... args) {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/podman").toString()));
        command.addAll(List.of(args));
        return run(Duration.ofMinutes(2), command);
    }

    public static Result run(Duration timeout, List<String> command) {
        try {
            Process process = new ProcessBuilder(command).directory(ROOT.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static CompletableFuture<String> read(java.io.InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    /** The names of this machine's podman containers and networks whose name contains {@code text}. */
    public static List<String> containersAndNetworks(String text) {
        List<String> found = new ArrayList<>();
        for (String line : (podman("ps", "-a", "--format", "{{.Names}}").out() + "\n"
                + podman("network", "ls", "--format", "{{.Name}}").out()).split("\n")) {
            if (line.contains(text)) {
                found.add(line.strip());
            }
        }
        return found;
    }
}
