package dev.mpibatch.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the small system commands a local cluster is made of ({@code ip}, {@code kill}) and says why they failed. */
final class Commands {
    private Commands() {
    }

    /** Runs {@code command}; returns its standard output; throws with its standard error when it fails. */
    static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("'" + String.join(" ", command) + "' did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", command) + "' failed (exit " + process.exitValue()
                        + "): " + new String(err, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + String.join(" ", command) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running '" + String.join(" ", command) + "'", e);
        }
    }

    /** Runs {@code command} and ignores failure: for clean-up, where the thing may already be gone. */
    static void runQuietly(List<String> command) {
        try {
            run(command);
        } catch (RuntimeException e) {
            // already gone, or never made: nothing to clean
        }
    }

    /** Whether {@code program} is found on PATH or at an absolute path. */
    static boolean available(String program) {
        if (program.startsWith("/")) {
            return new java.io.File(program).canExecute();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (new java.io.File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
