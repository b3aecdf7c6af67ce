package dev.mpibatch.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.testing.Requirements;

/** A real sshd from the generated configuration, real ssh and sshj clients. */
class SshIT {
    private Path state;
    private SshdProcess sshd;
    private SshKeyPair user;
    private SshKeyPair host;
    private int port;

    @BeforeEach
    void startSshd() throws Exception {
        Requirements.requireRoot();
        Requirements.requireSshd();
        // StrictModes: key files in 0700 directories under parents only root can write (not /tmp).
        state = Path.of("/run/mpi-batch-test-" + UUID.randomUUID());
        Files.createDirectory(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        user = SshKeys.generate(state, "id_ed25519", "user");
        host = SshKeys.generate(state, "host_ed25519", "host");
        port = freePort();
        Path authorizedKeys = state.resolve("authorized_keys");
        sshd = SshdProcess.start(new SshdSettings(state, "127.0.0.1", port, host.privateKey(), authorizedKeys,
                state.resolve("sshd.pid"), true), state.resolve("sshd_config"), Duration.ofSeconds(20));
    }

    @AfterEach
    void stopSshd() throws IOException {
        if (sshd != null) {
            sshd.close();
        }
        if (state != null && Files.exists(state)) {
            try (Stream<Path> paths = Files.walk(state)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private Roster roster(String hostKey) {
        NodeRecord self = new NodeRecord("job", 1, 0, "127.0.0.2", 1, 1, "main", user.publicKeyLine(), hostKey, "t");
        NodeRecord other = new NodeRecord("job", 1, 1, "127.0.0.1", port, 1, "other", user.publicKeyLine(), hostKey, "t");
        return new Roster("job", 1, List.of(self, other));
    }

    @Test
    void ssh_withGeneratedConfig_logsInWithHostKeyVerified() throws Exception {
        ClusterFiles files = ClusterFiles.write(state, roster(host.publicKeyLine()), 0, user);

        Result result = run("ssh", "-F", files.sshConfig().toString(), "127.0.0.1", "echo", "logged-in");

        assertThat(result.code()).as(result.output()).isZero();
        assertThat(result.output()).contains("logged-in");
    }

    @Test
    void ssh_whenHostKeyDiffersFromRoster_refusesToConnect() throws Exception {
        SshKeyPair impostor = SshKeys.generate(state, "impostor", "impostor");
        ClusterFiles files = ClusterFiles.write(state, roster(impostor.publicKeyLine()), 0, user);

        Result result = run("ssh", "-F", files.sshConfig().toString(), "127.0.0.1", "echo", "logged-in");

        assertThat(result.code()).isNotZero();
        assertThat(result.output()).doesNotContain("logged-in").containsIgnoringCase("host key");
        Path file = Files.writeString(state.resolve("payload"), "data");
        BroadcastRelay.install(state);
        assertThatThrownBy(() -> new Broadcaster(roster(impostor.publicKeyLine()), 0, state,
                p -> state.resolve("copy-" + p.getFileName())).send(List.of(file)))
                .hasMessageContaining("failed on node 1 (127.0.0.1)").hasMessageContaining("Host key verification failed");
        assertThat(state.resolve("copy-payload")).doesNotExist();
    }

    @Test
    void ssh_passwordLoginIsRefused() throws Exception {
        ClusterFiles files = ClusterFiles.write(state, roster(host.publicKeyLine()), 0, user);

        Result result = run("ssh", "-F", files.sshConfig().toString(), "-o", "PreferredAuthentications=password",
                "-o", "PubkeyAuthentication=no", "127.0.0.1", "echo", "logged-in");

        assertThat(result.code()).isNotZero();
        assertThat(result.output()).doesNotContain("logged-in").contains("Permission denied");
    }

    @Test
    void broadcast_copiesTheFileKeepingItsModeAndVerifiesTheChecksum() throws Exception {
        ClusterFiles.write(state, roster(host.publicKeyLine()), 0, user);
        BroadcastRelay.install(state);
        Path binary = state.resolve("program");
        byte[] bytes = new byte[5 * 1024 * 1024];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(binary, bytes);
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-x---"));
        Path target = state.resolve("received/program");

        new Broadcaster(roster(host.publicKeyLine()), 0, state, p -> target).send(List.of(binary));

        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-x---");
        assertThat(Files.list(target.getParent()).map(p -> p.getFileName().toString())).containsExactly("program");
    }

    @Test
    void broadcast_whenTheTargetDirectoryCannotBeMade_failsNamingTheNodeAndWhyAndLeavesNoCopy() throws Exception {
        ClusterFiles.write(state, roster(host.publicKeyLine()), 0, user);
        BroadcastRelay.install(state);
        Path file = Files.writeString(state.resolve("input"), "data");
        Files.writeString(state.resolve("blocker"), "a file where the copy's directory should be");

        assertThatThrownBy(() -> new Broadcaster(roster(host.publicKeyLine()), 0, state,
                p -> state.resolve("blocker/sub/input")).send(List.of(file)))
                .hasMessageStartingWith("broadcast of input failed on node 1 (127.0.0.1): cannot create directory "
                        + state.resolve("blocker/sub"));
        try (Stream<Path> left = Files.list(state)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("mpi-batch-part"))
                    .noneMatch(n -> n.startsWith(".broadcast"));
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
