package dev.mpibatch.agent.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes ed25519 key pairs with OpenSSH's own {@code ssh-keygen}, so that sshd and ssh read them without conversion.
 */
public final class SshKeys {
    private SshKeys() {
    }

    /**
     * Generates {@code dir/name} (private, 0600) and {@code dir/name.pub}. {@code dir} must exist and should be 0700.
     *
     * @throws IllegalStateException when ssh-keygen is missing or fails, with what to install
     */
    public static SshKeyPair generate(Path dir, String name, String comment) {
        Path privateKey = dir.resolve(name);
        Path publicKey = dir.resolve(name + ".pub");
        try {
            Files.deleteIfExists(privateKey);
            Files.deleteIfExists(publicKey);
            Process process = new ProcessBuilder(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment,
                    "-f", privateKey.toString()))
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("ssh-keygen did not finish within 60 s making " + privateKey);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("ssh-keygen failed (exit " + process.exitValue() + ") making "
                        + privateKey + ": " + output.strip());
            }
            return new SshKeyPair(privateKey, Files.readString(publicKey, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("error=2")) {
                throw new IllegalStateException("ssh-keygen not found on PATH: install OpenSSH "
                        + "(Debian: apt-get install openssh-client openssh-server)", e);
            }
            throw new UncheckedIOException("cannot make an SSH key in " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making an SSH key in " + dir, e);
        }
    }
}
