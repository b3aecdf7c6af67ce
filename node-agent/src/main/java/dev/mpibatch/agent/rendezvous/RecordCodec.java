package dev.mpibatch.agent.rendezvous;

import java.io.IOException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON for the rendezvous records, and the checks a node record must pass before anyone trusts it: the roster
 * decides who may log in where, so a wrong record must fail the job, not run it on a wrong cluster.
 */
public final class RecordCodec {
    /** A node record is a few hundred bytes; anything much bigger is not one. */
    public static final int MAX_RECORD_BYTES = 16 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern ED25519 = Pattern.compile("ssh-ed25519 [A-Za-z0-9+/]{60,100}={0,2}( [\\x21-\\x7e ]{0,200})?");

    private RecordCodec() {
    }

    public static byte[] write(Object record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + record.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Reads and checks the node record stored under {@code key}, which must belong to this job and attempt. */
    public static NodeRecord readNode(byte[] json, String key, String jobId, int attempt) {
        NodeRecord record = read(json, key, NodeRecord.class);
        checkNode(record, key, jobId, attempt);
        return record;
    }

    public static Roster readRoster(byte[] json, String key) {
        return read(json, key, Roster.class);
    }

    public static DoneRecord readDone(byte[] json, String key) {
        return read(json, key, DoneRecord.class);
    }

    /** Checks a record: right job and attempt, index matching its key, a usable address and port, ed25519 public keys. */
    public static void checkNode(NodeRecord record, String key, String jobId, int attempt) {
        if (!record.jobId().equals(jobId) || record.attempt() != attempt) {
            throw invalid(key, "belongs to job " + record.jobId() + " attempt " + record.attempt()
                    + ", not job " + jobId + " attempt " + attempt);
        }
        if (!key.equals(RendezvousKeys.node(record.index()))) {
            throw invalid(key, "claims index " + record.index() + ", which does not match its key");
        }
        if (!IPV4.matcher(record.address()).matches()) {
            throw invalid(key, "has address '" + record.address() + "', which is not an IPv4 address");
        }
        if (record.sshPort() < 1 || record.sshPort() > 65535 || record.slots() < 1) {
            throw invalid(key, "has port " + record.sshPort() + " and slots " + record.slots()
                    + ": the port must be 1 to 65535 and slots at least 1");
        }
        checkKey(key, "user key", record.userKey());
        checkKey(key, "host key", record.hostKey());
    }

    private static void checkKey(String key, String what, String value) {
        if (value.contains("PRIVATE KEY")) {
            throw invalid(key, "carries private key material as its " + what + ": refusing it");
        }
        if (!ED25519.matcher(value).matches()) {
            throw invalid(key, "has a " + what + " that is not one OpenSSH ed25519 public key line");
        }
    }

    private static <T> T read(byte[] json, String key, Class<T> type) {
        if (json.length > MAX_RECORD_BYTES && type != Roster.class) {
            throw invalid(key, "is " + json.length + " bytes, more than the " + MAX_RECORD_BYTES + " a record may have");
        }
        try {
            return JSON.readValue(json, type);
        } catch (IOException | RuntimeException e) {
            throw new RendezvousException("rendezvous record " + key + " is malformed (" + type.getSimpleName()
                    + " expected): " + firstLine(e.getMessage()), e);
        }
    }

    private static RendezvousException invalid(String key, String problem) {
        return new RendezvousException("rendezvous record " + key + " " + problem);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
