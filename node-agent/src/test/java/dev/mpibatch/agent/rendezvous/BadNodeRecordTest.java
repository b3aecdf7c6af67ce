package dev.mpibatch.agent.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Node records the main node must refuse before they reach a roster: oversized, another job's, keys of the wrong
 * type, fields of the wrong JSON type. Each refusal names the record and what is wrong with it.
 */
class BadNodeRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "nodes/1.json";
    private static final String RSA_KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + "C".repeat(300) + " node";
    private static final String ECDSA_KEY = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABB"
            + "B".repeat(88) + "= node";

    private static byte[] recordWith(Consumer<ObjectNode> change) throws Exception {
        ObjectNode record = (ObjectNode) JSON.readTree(RecordCodec.write(RendezvousTest.record(1)));
        change.accept(record);
        return JSON.writeValueAsBytes(record);
    }

    private static NodeRecord read(byte[] json) {
        return RecordCodec.readNode(json, KEY, "job-1", 1);
    }

    @Test
    void aValidRecordIsRead() throws Exception {
        assertThat(read(recordWith(r -> { }))).isEqualTo(RendezvousTest.record(1));
    }

    @Test
    void oversizedRecord_isRefusedBeforeItIsParsed() throws Exception {
        byte[] big = recordWith(r -> r.put("hostname", "h".repeat(RecordCodec.MAX_RECORD_BYTES)));
        assertThatThrownBy(() -> read(big)).isInstanceOf(RendezvousException.class)
                .hasMessage("rendezvous record nodes/1.json is " + big.length + " bytes, more than the "
                        + RecordCodec.MAX_RECORD_BYTES + " a record may have");
    }

    @Test
    void recordOfAnotherJob_isRefusedNamingBothJobs() throws Exception {
        assertThatThrownBy(() -> read(recordWith(r -> r.put("jobId", "job-2"))))
                .isInstanceOf(RendezvousException.class)
                .hasMessageContaining("rendezvous record nodes/1.json belongs to job job-2 attempt 1, not job job-1 attempt 1");
    }

    @Test
    void keysOfTheWrongType_areRefusedNamingWhichKey() throws Exception {
        assertThatThrownBy(() -> read(recordWith(r -> r.put("userKey", RSA_KEY))))
                .isInstanceOf(RendezvousException.class)
                .hasMessageContaining("nodes/1.json has a user key that is not one OpenSSH ed25519 public key line");
        assertThatThrownBy(() -> read(recordWith(r -> r.put("hostKey", ECDSA_KEY))))
                .isInstanceOf(RendezvousException.class)
                .hasMessageContaining("nodes/1.json has a host key that is not one OpenSSH ed25519 public key line");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "index     | \"1\"",
            "index     | 1.5",
            "sshPort   | \"2222\"",
            "sshPort   | 2222.9",
            "slots     | true",
            "attempt   | \"1\"",
            "address   | [\"10.0.0.3\"]",
            "address   | 167772163",
            "userKey   | {\"type\": \"ssh-ed25519\"}",
            "hostKey   | null",
            "jobId     | null"})
    void fieldOfTheWrongJsonType_isRefusedAsMalformed(String field, String value) throws Exception {
        byte[] json = recordWith(r -> r.set(field, readValue(value)));
        assertThatThrownBy(() -> read(json)).as(new String(json, StandardCharsets.UTF_8))
                .isInstanceOf(RendezvousException.class)
                .hasMessageContaining("rendezvous record nodes/1.json is malformed (NodeRecord expected)");
    }

    @Test
    void unknownOrMissingFields_areRefusedAsMalformed() throws Exception {
        assertThatThrownBy(() -> read(recordWith(r -> r.put("privateKey", "x"))))
                .hasMessageContaining("rendezvous record nodes/1.json is malformed");
        assertThatThrownBy(() -> read(recordWith(r -> r.remove("hostKey"))))
                .hasMessageContaining("rendezvous record nodes/1.json is malformed");
    }

    private static com.fasterxml.jackson.databind.JsonNode readValue(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
