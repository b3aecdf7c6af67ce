package dev.mpibatch.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshKeysTest {
    @TempDir
    Path dir;

    @Test
    void generate_writesAPrivateKeyThatSshKeygenReadsBackToThePublishedLine() throws Exception {
        SshKeyPair pair = SshKeys.generate(dir, "id_ed25519", "mpi-batch-user-node3");

        OpenSshTool.Result derived = OpenSshTool.run("ssh-keygen", "-y", "-f", pair.privateKey().toString());

        assertThat(derived.code()).as(derived.output()).isZero();
        assertThat(derived.output().strip()).isEqualTo(pair.publicKeyLine());
        assertThat(pair.publicKeyLine()).startsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI").endsWith(" mpi-batch-user-node3");
        assertThat(Files.readString(dir.resolve("id_ed25519.pub")).strip()).isEqualTo(pair.publicKeyLine());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pair.privateKey()))).isEqualTo("rw-------");
    }

    @Test
    void generate_fingerprintMatchesSshKeygenAndKeysDiffer() throws Exception {
        SshKeyPair a = SshKeys.generate(dir, "a", "a");
        SshKeyPair b = SshKeys.generate(dir, "b", "b");

        OpenSshTool.Result fingerprint = OpenSshTool.run("ssh-keygen", "-l", "-f", a.privateKey().toString());

        assertThat(fingerprint.code()).as(fingerprint.output()).isZero();
        assertThat(fingerprint.output()).contains("(ED25519)");
        assertThat(a.publicKeyLine().split(" ")[1]).isNotEqualTo(b.publicKeyLine().split(" ")[1]);
    }

    @Test
    void generate_replacesAnOldKey() throws Exception {
        SshKeyPair first = SshKeys.generate(dir, "id", "c");
        SshKeyPair second = SshKeys.generate(dir, "id", "c");

        assertThat(second.publicKeyLine()).isNotEqualTo(first.publicKeyLine());
        assertThat(OpenSshTool.run("ssh-keygen", "-y", "-f", second.privateKey().toString()).output().strip())
                .isEqualTo(second.publicKeyLine());
    }
}
