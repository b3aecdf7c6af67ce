package dev.mpibatch.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.testing.Requirements;

/** A real sshd from the generated configuration with certificates from the cluster's authority; real ssh and sshj. */
class SshIT {
    private final List<SshdProcess> servers = new ArrayList<>();
    private Path state;
    private SshKeyPair user;
    private SshKeyPair host;
    private int port;
    private Roster roster;
    private ClusterAuthority authority;
    private ClusterFiles files;

    @BeforeEach
    void startSshd() throws Exception {
        Requirements.requireRoot();
        Requirements.requireSshd();
        // StrictModes: key files in 0700 directories under parents only root can write (not /tmp).
        state = Path.of("/run/mpi-batch-test-" + UUID.randomUUID());
        Files.createDirectory(state, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        user = SshKeys.generate(state, "id_ed25519", "user");
        host = SshKeys.generate(state, "ssh_host_ed25519_key", "host");
        port = freePort();
        // Node 0 is a main node elsewhere; node 1 is this machine's sshd.
        SshKeyPair mainUser = SshKeys.generate(state, "main_user", "main");
        SshKeyPair mainHost = SshKeys.generate(state, "main_host", "main");
        roster = new Roster("job", 1, List.of(
                new NodeRecord("job", 1, 0, "127.0.0.2", 1, 1, "main", mainUser.publicKeyLine(), mainHost.publicKeyLine(), "t"),
                new NodeRecord("job", 1, 1, "127.0.0.1", port, 1, "other", user.publicKeyLine(), host.publicKeyLine(), "t")));
        authority = new ClusterAuthority(roster, "root", Instant.now(), Duration.ofHours(1));
        files = ClusterFiles.install(state, authority.bundleFor(1, 0, 2223), roster.node(1), user, host);
        BroadcastRelay.install(state);
        servers.add(startSshd(state, host, port, files));
    }

    /** An impostor: its own sshd with a host key the cluster's authority never signed; returns its port. */
    private int startImpostor() throws Exception {
        Path impostorDir = Files.createDirectory(state.resolve("impostor"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        SshKeyPair impostorKey = SshKeys.generate(impostorDir, "ssh_host_ed25519_key", "impostor");
        int impostorPort = freePort();
        servers.add(startSshd(impostorDir, impostorKey, impostorPort, files));
        return impostorPort;
    }

    private static SshdProcess startSshd(Path dir, SshKeyPair hostKey, int port, ClusterFiles files) {
        return SshdProcess.start(new SshdSettings(dir, "127.0.0.1", port, hostKey.privateKey(),
                ClusterFiles.certificateOf(hostKey.privateKey()), files.trustedUserCaKeys(), dir.resolve("sshd-" + port + ".pid"),
                true), dir.resolve("sshd_config-" + port), Duration.ofSeconds(20));
    }

    @AfterEach
    void stopSshd() throws IOException {
        servers.forEach(SshdProcess::close);
        if (state != null && Files.exists(state)) {
            try (Stream<Path> paths = Files.walk(state)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void ssh_withClusterCertificates_logsInWithTheHostCertificateVerified() throws Exception {
        OpenSshTool.Result result = OpenSshTool.run("ssh", "-F", files.sshConfig().toString(), "127.0.0.1", "echo", "logged-in");

        assertThat(result.code()).as(result.output()).isZero();
        assertThat(result.output()).contains("logged-in");
        assertThat(Files.readAllLines(files.knownHosts())).hasSize(1).allSatisfy(l -> assertThat(l).startsWith("@cert-authority "));
        assertThat(Files.exists(state.resolve("authorized_keys"))).as("no authorized_keys: certificates only").isFalse();
    }

    @Test
    void ssh_whenTheHostKeyIsNotSignedByTheAuthority_refusesToConnect() throws Exception {
        int impostorPort = startImpostor();

        OpenSshTool.Result result = OpenSshTool.run("ssh", "-F", files.sshConfig().toString(), "-p", String.valueOf(impostorPort), "127.0.0.1",
                "echo", "logged-in");

        assertThat(result.code()).isNotZero();
        assertThat(result.output()).doesNotContain("logged-in").containsIgnoringCase("host key");
        Path file = Files.writeString(state.resolve("payload"), "data");
        NodeRecord atImpostor = new NodeRecord("job", 1, 1, "127.0.0.1", impostorPort, 1, "other", user.publicKeyLine(),
                host.publicKeyLine(), "t");
        assertThatThrownBy(() -> new Broadcaster(new Roster("job", 1, List.of(roster.node(0), atImpostor)), 0, state,
                p -> state.resolve("copy-" + p.getFileName())).send(List.of(file)))
                .hasMessageContaining("failed on node 1 (127.0.0.1)").hasMessageContaining("Host key verification failed");
        assertThat(state.resolve("copy-payload")).doesNotExist();
    }

    @Test
    void connections_openAMasterInThePrivateStateDirectory_sessionsGoOverIt_andCloseRemovesIt() throws Exception {
        Path socket = SshClientConfig.controlSocket(state, "127.0.0.1", port);
        try (ClusterConnections connections = ClusterConnections.open(roster, 0, state)) {
            connections.awaitReady(Duration.ofSeconds(30));

            assertThat(socket).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
            OpenSshTool.Result check = OpenSshTool.run("ssh", "-F", files.sshConfig().toString(), "-p",
                    String.valueOf(port), "-O", "check", "127.0.0.1");
            assertThat(check.code()).as(check.output()).isZero();
            assertThat(check.output()).contains("Master running");
            OpenSshTool.Result session = OpenSshTool.run("ssh", "-F", files.sshConfig().toString(), "-p",
                    String.valueOf(port), "127.0.0.1", "echo", "over-the-master");
            assertThat(session.output()).contains("over-the-master");
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void connections_toAnImpostor_openNothing_andTheBroadcastIsStillRefused() throws Exception {
        int impostorPort = startImpostor();
        NodeRecord atImpostor = new NodeRecord("job", 1, 1, "127.0.0.1", impostorPort, 1, "other", user.publicKeyLine(),
                host.publicKeyLine(), "t");
        Roster toImpostor = new Roster("job", 1, List.of(roster.node(0), atImpostor));
        Path file = Files.writeString(state.resolve("payload"), "data");

        try (ClusterConnections connections = ClusterConnections.open(toImpostor, 0, state)) {
            connections.awaitReady(Duration.ofSeconds(30));

            assertThat(SshClientConfig.controlSocket(state, "127.0.0.1", impostorPort)).doesNotExist();
            assertThatThrownBy(() -> new Broadcaster(toImpostor, 0, state, p -> state.resolve("copy-" + p.getFileName()),
                    connections, Broadcaster.DEFAULT_TREE_MAX_BYTES).send(List.of(file)))
                    .hasMessageContaining("failed on node 1 (127.0.0.1)").hasMessageContaining("Host key verification failed");
        }
        assertThat(state.resolve("copy-payload")).doesNotExist();
    }

    @Test
    void ssh_whenTheHostCertificateNamesAnotherAddress_refusesToConnect() throws Exception {
        // The genuine host, reached under an address its certificate does not name.
        OpenSshTool.Result result = OpenSshTool.run("ssh", "-F", files.sshConfig().toString(), "-o", "HostKeyAlias=10.9.9.9",
                "127.0.0.1", "echo", "logged-in");

        assertThat(result.code()).isNotZero();
        assertThat(result.output()).doesNotContain("logged-in");
    }

    @Test
    void ssh_whenTheUserCertificateIsFromAnotherAuthority_isRefused() throws Exception {
        Path otherDir = Files.createDirectory(state.resolve("other"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        SshKeyPair otherUser = SshKeys.generate(otherDir, "id_ed25519", "other");
        SshKeyPair otherHost = SshKeys.generate(otherDir, "ssh_host_ed25519_key", "other");
        NodeRecord self = new NodeRecord("job", 1, 1, "127.0.0.1", port, 1, "o", otherUser.publicKeyLine(),
                otherHost.publicKeyLine(), "t");
        Roster otherRoster = new Roster("job", 1, List.of(roster.node(0), self));
        ClusterFiles foreign = ClusterFiles.install(otherDir,
                new ClusterAuthority(otherRoster, "root", Instant.now(), Duration.ofHours(1)).bundleFor(1, 0, 2223), self,
                otherUser, otherHost);
        // Trust our sshd's host certificate, so that only the user certificate is in question.
        Files.copy(files.knownHosts(), foreign.knownHosts(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        OpenSshTool.Result result = OpenSshTool.run("ssh", "-F", foreign.sshConfig().toString(), "127.0.0.1", "echo", "logged-in");

        assertThat(result.code()).isNotZero();
        assertThat(result.output()).doesNotContain("logged-in").contains("Permission denied");
    }

    @Test
    void ssh_passwordLoginIsRefused() throws Exception {
        OpenSshTool.Result result = OpenSshTool.run("ssh", "-F", files.sshConfig().toString(), "-o", "PreferredAuthentications=password",
                "-o", "PubkeyAuthentication=no", "127.0.0.1", "echo", "logged-in");

        assertThat(result.code()).isNotZero();
        assertThat(result.output()).doesNotContain("logged-in").contains("Permission denied");
    }

    @Test
    void broadcast_logsInWithTheUserCertificateCopiesTheFileAndVerifiesTheChecksum() throws Exception {
        Path binary = state.resolve("program");
        byte[] bytes = new byte[5 * 1024 * 1024];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(binary, bytes);
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-x---"));
        Path target = state.resolve("received/program");

        new Broadcaster(roster, 0, state, p -> target).send(List.of(binary));

        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rwxr-x---");
        assertThat(Files.list(target.getParent()).map(p -> p.getFileName().toString())).containsExactly("program");
    }

    @Test
    void broadcast_whenTheTargetDirectoryCannotBeMade_failsNamingTheNodeAndWhyAndLeavesNoCopy() throws Exception {
        Path file = Files.writeString(state.resolve("input"), "data");
        Files.writeString(state.resolve("blocker"), "a file where the copy's directory should be");

        assertThatThrownBy(() -> new Broadcaster(roster, 0, state,
                p -> state.resolve("blocker/sub/input")).send(List.of(file)))
                .hasMessageStartingWith("broadcast of input failed on node 1 (127.0.0.1): cannot create directory "
                        + state.resolve("blocker/sub"));
        try (Stream<Path> left = Files.list(state)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("mpi-batch-part"))
                    .noneMatch(n -> n.startsWith(".broadcast"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
