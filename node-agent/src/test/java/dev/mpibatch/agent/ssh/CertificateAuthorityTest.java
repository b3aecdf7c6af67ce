package dev.mpibatch.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    private static final Instant AFTER = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant BEFORE = Instant.parse("2026-01-02T00:00:00Z");

    @TempDir
    Path dir;

    private final CertificateAuthority ca = CertificateAuthority.create("mpi-batch-ca job-1");

    @Test
    void signHost_makesACertificateSshKeygenListsWithPrincipalValidityAndSigningCa() throws Exception {
        SshKeyPair host = SshKeys.generate(dir, "ssh_host_ed25519_key", "host");
        String cert = ca.signHost(host.publicKeyLine(), "10.0.0.7", "job-1 attempt 1 node 5 host", AFTER, BEFORE);
        Path file = Files.writeString(dir.resolve("ssh_host_ed25519_key-cert.pub"), cert + "\n");

        OpenSshTool.Result listed = OpenSshTool.run("ssh-keygen", "-L", "-f", file.toString());

        assertThat(listed.code()).as(listed.output()).isZero();
        assertThat(listed.output())
                .contains("Type: ssh-ed25519-cert-v01@openssh.com host certificate")
                .contains("Key ID: \"job-1 attempt 1 node 5 host\"")
                .containsPattern("Principals: \\s*10\\.0\\.0\\.7")
                .contains("Valid: from 2026-01-01T00:00:00 to 2026-01-02T00:00:00")
                .contains("Signing CA: ED25519 " + fingerprint(ca.publicKeyLine()))
                .contains("Public key: ED25519-CERT " + fingerprint(host.publicKeyLine()));
    }

    @Test
    void signUser_makesAUserCertificateForTheLoginUserThatAllowsNoForwarding() throws Exception {
        SshKeyPair user = SshKeys.generate(dir, "id_ed25519", "user");
        Path file = Files.writeString(dir.resolve("id_ed25519-cert.pub"),
                ca.signUser(user.publicKeyLine(), "root", "job-1 attempt 1 node 5 user", AFTER, BEFORE) + "\n");

        OpenSshTool.Result listed = OpenSshTool.run("ssh-keygen", "-L", "-f", file.toString());

        assertThat(listed.code()).as(listed.output()).isZero();
        assertThat(listed.output()).contains("user certificate").containsPattern("Principals: \\s*root")
                .contains("permit-pty").doesNotContain("permit-port-forwarding").doesNotContain("permit-agent-forwarding");
    }

    @Test
    void parse_readsBackWhatWasSignedAndChecksTheSignature() {
        SshKeyPair host = SshKeys.generate(dir, "h", "h");
        SshKeyPair other = SshKeys.generate(dir, "o", "o");
        String line = ca.signHost(host.publicKeyLine(), "10.0.0.7", "id-7", AFTER, BEFORE);

        SshCertificate cert = SshCertificate.parse(line);

        assertThat(cert.host()).isTrue();
        assertThat(cert.principals()).containsExactly("10.0.0.7");
        assertThat(cert.keyId()).isEqualTo("id-7");
        assertThat(cert.validAfter()).isEqualTo(AFTER);
        assertThat(cert.validBefore()).isEqualTo(BEFORE);
        assertThat(cert.signatureValid()).isTrue();
        assertThat(cert.certifies(host.publicKeyLine())).isTrue();
        assertThat(cert.certifies(other.publicKeyLine())).isFalse();
    }

    @Test
    void parse_whenTheCertificateWasTamperedWith_reportsABadSignature() {
        SshKeyPair host = SshKeys.generate(dir, "h", "h");
        String line = ca.signHost(host.publicKeyLine(), "10.0.0.7", "id-7", AFTER, BEFORE);
        byte[] blob = java.util.Base64.getDecoder().decode(line.split(" ")[1]);
        blob[blob.length - 10] ^= 1;
        String tampered = line.split(" ")[0] + " " + java.util.Base64.getEncoder().encodeToString(blob);

        assertThat(SshCertificate.parse(tampered).signatureValid()).isFalse();
        assertThatThrownBy(() -> SshCertificate.parse(host.publicKeyLine())).hasMessageContaining("not an ssh-ed25519-cert");
    }

    @Test
    void sign_refusesAnEmptyValidityAndKeysOfOtherTypes() {
        SshKeyPair host = SshKeys.generate(dir, "h", "h");
        assertThatThrownBy(() -> ca.signHost(host.publicKeyLine(), "10.0.0.7", "id", BEFORE, AFTER))
                .hasMessageContaining("the end must come after the start");
        assertThatThrownBy(() -> ca.signUser("ssh-rsa AAAAB3NzaC1yc2E= x", "root", "id", AFTER, BEFORE))
                .hasMessageContaining("can only certify ssh-ed25519 keys");
        assertThat(ca.toString()).doesNotContain("PRIVATE");
    }

    private String fingerprint(String publicKeyLine) throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "key", ".pub"), publicKeyLine + "\n");
        return OpenSshTool.run("ssh-keygen", "-l", "-f", file.toString()).output().split(" ")[1];
    }
}
