package dev.mpibatch.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.agent.rendezvous.NodeBundle;
import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

class ClusterConfigTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private SshKeyPair user;
    private SshKeyPair host;

    /** Node {@code index}'s bundle from a new cluster authority: every call makes another CA key. */
    private static NodeBundle bundle(Roster roster, int index) {
        return new ClusterAuthority(roster, "root", NOW, Duration.ofHours(1)).bundleFor(index, 0, 2223);
    }

    private Roster roster(int port0, int port1) {
        user = SshKeys.generate(dir, "id_ed25519", "u1");
        host = SshKeys.generate(dir, "ssh_host_ed25519_key", "h1");
        SshKeyPair otherUser = SshKeys.generate(dir, "u0", "u0");
        SshKeyPair otherHost = SshKeys.generate(dir, "h0", "h0");
        return new Roster("job", 1, List.of(
                new NodeRecord("job", 1, 0, "10.0.0.2", port0, 2, "h0", otherUser.publicKeyLine(), otherHost.publicKeyLine(), "t"),
                new NodeRecord("job", 1, 1, "10.0.0.3", port1, 2, "h1", user.publicKeyLine(), host.publicKeyLine(), "t")));
    }

    @Test
    void sshdConfig_acceptsOnlyCertificatesOfTheClusterAuthorityOnTheClusterAddress() {
        String config = SshdConfig.render(new SshdSettings(dir, "10.0.0.2", 2222, dir.resolve("host"),
                dir.resolve("host-cert.pub"), dir.resolve("trusted_user_ca_keys"), dir.resolve("sshd.pid"), true));

        assertThat(config).contains("ListenAddress 10.0.0.2:2222", "AuthenticationMethods publickey",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitEmptyPasswords no",
                "UsePAM no", "StrictModes yes", "PermitRootLogin prohibit-password", "AuthorizedKeysFile none",
                "TrustedUserCAKeys " + dir.resolve("trusted_user_ca_keys"), "HostKey " + dir.resolve("host"),
                "HostCertificate " + dir.resolve("host-cert.pub"), "AllowTcpForwarding no");
        // A program, never internal-sftp, which the forced session script cannot run (SshIT copies with scp and sftp).
        assertThat(config).doesNotContain("internal-sftp");
        assertThat(config).doesNotContainPattern("(?i)PasswordAuthentication yes").doesNotContain("0.0.0.0");
    }

    @Test
    void sshdConfig_whenNotRoot_refusesRootLogins() {
        String config = SshdConfig.render(new SshdSettings(dir, "127.0.0.2", 40000, dir.resolve("host"),
                dir.resolve("cert"), dir.resolve("ca"), dir.resolve("pid"), false));

        assertThat(config).contains("PermitRootLogin no");
    }

    @Test
    void install_writesOneCertAuthorityLineTheCertificatesAndAStrictClientConfig() throws Exception {
        Roster roster = roster(2222, 2222);
        NodeBundle bundle = bundle(roster, 1);

        ClusterFiles files = ClusterFiles.install(dir, bundle, roster.node(1), user, host);

        assertThat(Files.readString(files.knownHosts())).isEqualTo("@cert-authority * "
                + KnownHosts.keyWithoutComment(bundle.certificateAuthority()) + "\n");
        assertThat(Files.readString(files.trustedUserCaKeys()).strip())
                .isEqualTo(KnownHosts.keyWithoutComment(bundle.certificateAuthority()));
        assertThat(Files.readString(dir.resolve("id_ed25519-cert.pub")).strip()).isEqualTo(bundle.userCertificate());
        assertThat(Files.readString(dir.resolve("ssh_host_ed25519_key-cert.pub")).strip()).isEqualTo(bundle.hostCertificate());
        String config = Files.readString(files.sshConfig());
        assertThat(config).contains("Host *\n    Port 2222", "StrictHostKeyChecking yes", "IdentitiesOnly yes",
                "IdentityFile " + dir.resolve("id_ed25519"), "CertificateFile " + dir.resolve("id_ed25519-cert.pub"),
                "UserKnownHostsFile " + files.knownHosts(), "GlobalKnownHostsFile /dev/null", "BatchMode yes")
                .doesNotContain("StrictHostKeyChecking no").doesNotContain("Host 10.0.0.");
        for (Path file : List.of(files.trustedUserCaKeys(), files.knownHosts(), files.sshConfig())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(Files.readString(files.ssh())).contains("exec ssh -F '" + files.sshConfig() + "' \"$@\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.ssh()))).isEqualTo("rwx------");
    }

    @Test
    void install_whenPortsDiffer_namesEachNodesPort() throws Exception {
        Roster roster = roster(40000, 40001);
        NodeBundle bundle = bundle(roster, 1);

        ClusterFiles files = ClusterFiles.install(dir, bundle, roster.node(1), user, host);

        assertThat(Files.readString(files.sshConfig())).contains("Host 10.0.0.2\n    Port 40000",
                "Host 10.0.0.3\n    Port 40001").doesNotContain("Host *\n    Port");
    }

    @Test
    void install_whenTheCertificatesAreForAnotherNodesKeys_refusesThem() {
        Roster roster = roster(2222, 2222);
        NodeBundle forNode0 = bundle(roster, 0);
        NodeBundle mislabelled = new NodeBundle("job", 1, 1, forNode0.certificateAuthority(), forNode0.hostCertificate(),
                forNode0.userCertificate(), "root", "10.0.0.2", 2223, 2222, java.util.Map.of());

        assertThatThrownBy(() -> ClusterFiles.install(dir, mislabelled, roster.node(1), user, host))
                .hasMessageContaining("do two agents claim index 1?");
    }

    @Test
    void install_whenAnotherAuthoritySignedTheCertificates_refusesThem() {
        Roster roster = roster(2222, 2222);
        NodeBundle genuine = bundle(roster, 1);
        NodeBundle otherCa = bundle(roster, 1); // a second authority, with a key of its own
        NodeBundle mixed = new NodeBundle("job", 1, 1, otherCa.certificateAuthority(), genuine.hostCertificate(),
                genuine.userCertificate(), "root", "10.0.0.2", 2223, 2222, java.util.Map.of());

        assertThatThrownBy(() -> ClusterFiles.install(dir, mixed, roster.node(1), user, host))
                .hasMessageContaining("not signed by the bundle's certificate authority");
    }

    @Test
    void clusterAuthority_signsForTheJobsDurationWithAClockSkewMargin() {
        Roster roster = roster(2222, 2222);
        NodeBundle bundle = new ClusterAuthority(roster, "alice", NOW, Duration.ofHours(3)).bundleFor(1, 0, 2223);

        SshCertificate hostCert = SshCertificate.parse(bundle.hostCertificate());
        SshCertificate userCert = SshCertificate.parse(bundle.userCertificate());

        assertThat(hostCert.principals()).containsExactly("10.0.0.3");
        assertThat(userCert.principals()).containsExactly("alice");
        assertThat(userCert.keyId()).isEqualTo("job attempt 1 node 1 user");
        assertThat(hostCert.validAfter()).isEqualTo(NOW.minus(ClusterAuthority.CLOCK_SKEW));
        assertThat(hostCert.validBefore()).isEqualTo(NOW.plus(Duration.ofHours(3)).plus(ClusterAuthority.CLOCK_SKEW));
    }
}
