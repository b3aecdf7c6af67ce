package dev.mpibatch.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

class ClusterConfigTest {
    @TempDir
    Path dir;

    private static String key(char c, String comment) {
        return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + String.valueOf(c).repeat(43) + " " + comment;
    }

    private static Roster roster() {
        return new Roster("job", 1, List.of(
                new NodeRecord("job", 1, 0, "10.0.0.2", 2222, 2, "h0", key('A', "u0"), key('a', "h0"), "t"),
                new NodeRecord("job", 1, 1, "10.0.0.3", 2222, 2, "h1", key('B', "u1"), key('b', "h1"), "t"),
                new NodeRecord("job", 1, 2, "10.0.0.4", 22, 4, "h2", key('C', "u2"), key('c', "h2"), "t")));
    }

    @Test
    void sshdConfig_allowsOnlyPublicKeysOnTheClusterAddress() {
        String config = SshdConfig.render(new SshdSettings(dir, "10.0.0.2", 2222, dir.resolve("host"),
                dir.resolve("authorized_keys"), dir.resolve("sshd.pid"), true));

        assertThat(config).contains("ListenAddress 10.0.0.2:2222", "AuthenticationMethods publickey",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitEmptyPasswords no",
                "UsePAM no", "StrictModes yes", "PermitRootLogin prohibit-password",
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "HostKey " + dir.resolve("host"),
                "AllowTcpForwarding no", "Subsystem sftp internal-sftp");
        assertThat(config).doesNotContainPattern("(?i)PasswordAuthentication yes").doesNotContain("0.0.0.0");
    }

    @Test
    void sshdConfig_whenNotRoot_refusesRootLogins() {
        String config = SshdConfig.render(new SshdSettings(dir, "127.0.0.2", 40000, dir.resolve("host"),
                dir.resolve("ak"), dir.resolve("pid"), false));

        assertThat(config).contains("PermitRootLogin no");
    }

    @Test
    void knownHosts_listsEveryHostKeyUnderAddressAndPort() {
        assertThat(KnownHosts.render(roster())).isEqualTo(
                "[10.0.0.2]:2222 " + key('a', "").strip() + "\n"
                        + "[10.0.0.3]:2222 " + key('b', "").strip() + "\n"
                        + "10.0.0.4 " + key('c', "").strip() + "\n");
    }

    @Test
    void authorizedKeys_listsEveryUserKeyWithoutForwarding() {
        String text = AuthorizedKeys.render(roster());

        assertThat(text.lines()).hasSize(3).allSatisfy(line -> assertThat(line)
                .startsWith("no-agent-forwarding,no-port-forwarding,no-X11-forwarding ssh-ed25519 "));
        assertThat(text).contains(key('B', "u1"));
    }

    @Test
    void sshClientConfig_checksHostKeysAndUsesOnlyTheNodesKey() {
        String text = SshClientConfig.render(roster(), dir.resolve("id_ed25519"), dir.resolve("known_hosts"));

        assertThat(text).contains("Host 10.0.0.3\n    Port 2222", "Host 10.0.0.4\n    Port 22",
                "StrictHostKeyChecking yes", "IdentitiesOnly yes", "IdentityFile " + dir.resolve("id_ed25519"),
                "UserKnownHostsFile " + dir.resolve("known_hosts"), "GlobalKnownHostsFile /dev/null", "BatchMode yes");
        assertThat(text).doesNotContain("StrictHostKeyChecking no");
    }

    @Test
    void clusterFiles_areWrittenPrivately() throws Exception {
        Files.writeString(dir.resolve("id_ed25519"), "x");
        ClusterFiles files = ClusterFiles.write(dir, roster(), 0, new SshKeyPair(dir.resolve("id_ed25519"), key('A', "u0")));

        files.writeHostfile("10.0.0.2 slots=2\n");
        for (Path file : List.of(files.authorizedKeys(), files.knownHosts(), files.sshConfig(), files.hostfile())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
    }

    @Test
    void clusterFiles_sshWrapperUsesTheClusterConfig() throws Exception {
        Files.writeString(dir.resolve("id_ed25519"), "x");
        ClusterFiles files = ClusterFiles.write(dir, roster(), 0, new SshKeyPair(dir.resolve("id_ed25519"), key('A', "u0")));

        assertThat(Files.readString(files.ssh())).contains("exec ssh -F '" + files.sshConfig() + "' \"$@\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.ssh()))).isEqualTo("rwx------");
    }
}
