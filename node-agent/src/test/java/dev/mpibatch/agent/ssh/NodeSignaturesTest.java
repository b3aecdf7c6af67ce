package dev.mpibatch.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node signs with the key file it keeps; the main node checks with the public line from the node's record. */
class NodeSignaturesTest {
    private static final byte[] DATA = "challenge 0123456789".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void sign_withTheNodesKeyFile_verifiesAgainstItsPublicLineOnly() {
        SshKeyPair node = SshKeys.generate(dir, "node", "node1");
        SshKeyPair other = SshKeys.generate(dir, "other", "node2");

        byte[] signature = NodeSignatures.sign(node.privateKey(), DATA);

        assertThat(NodeSignatures.verify(node.publicKeyLine(), DATA, signature)).isTrue();
        assertThat(NodeSignatures.verify(other.publicKeyLine(), DATA, signature)).as("another node's key").isFalse();
        byte[] changed = DATA.clone();
        changed[0] ^= 1;
        assertThat(NodeSignatures.verify(node.publicKeyLine(), changed, signature)).as("other data").isFalse();
    }

    @Test
    void sign_withAKeyMadeByOpenSsh_verifies() throws Exception {
        Path key = dir.resolve("openssh_key");
        OpenSshTool.Result made = OpenSshTool.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "x", "-f", key.toString());
        assertThat(made.code()).as(made.output()).isZero();

        byte[] signature = NodeSignatures.sign(key, DATA);

        String publicLine = Files.readString(Path.of(key + ".pub")).strip();
        assertThat(NodeSignatures.verify(publicLine, DATA, signature)).isTrue();
    }

    @Test
    void verify_whenSignatureOrKeyIsGarbage_isFalseNotAnError() {
        SshKeyPair node = SshKeys.generate(dir, "node", "node1");
        byte[] signature = NodeSignatures.sign(node.privateKey(), DATA);
        byte[] truncated = java.util.Arrays.copyOf(signature, signature.length - 1);
        byte[] trailing = java.util.Arrays.copyOf(signature, signature.length + 1);

        assertThat(NodeSignatures.verify(node.publicKeyLine(), DATA, new byte[0])).isFalse();
        assertThat(NodeSignatures.verify(node.publicKeyLine(), DATA, "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(NodeSignatures.verify(node.publicKeyLine(), DATA, truncated)).isFalse();
        assertThat(NodeSignatures.verify(node.publicKeyLine(), DATA, trailing)).isFalse();
        assertThat(NodeSignatures.verify("ssh-rsa AAAAB3NzaC1yc2E=", DATA, signature)).isFalse();
        assertThat(NodeSignatures.verify("not a key", DATA, signature)).isFalse();
    }

    @Test
    void sign_whenTheFileIsNotAKey_saysSo() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("notes.txt"), "hello\n");

        assertThatThrownBy(() -> NodeSignatures.sign(notAKey, DATA)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeSignatures.sign(dir.resolve("missing"), DATA)).hasMessageContaining("missing");
    }
}
