package dev.mpibatch.agent.rendezvous;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * JSON for the rendezvous records, and the checks a node record must pass before anyone trusts it: the roster
 * decides who may log in where, so a wrong record must fail the job, not run it on a wrong cluster.
 */
public final class RecordCodec {
    /** A node record is a few hundred bytes; anything much bigger is not one. */
    public static final int MAX_RECORD_BYTES = 16 * 1024;

    private static final ObjectMapper JSON = strictTypes(new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES));
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern CERTIFICATE = Pattern.compile(
            "ssh-ed25519-cert-v01@openssh\\.com [A-Za-z0-9+/]{200,1400}={0,2}( [\\x21-\\x7e ]{0,200})?");
    private static final Pattern MACHINE = Pattern.compile("[0-9a-f]{0,64}");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}\\$?", Pattern.CASE_INSENSITIVE);
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

    /** Reads and checks the bundle stored under {@code key}, which must be this job's, attempt's and node's. */
    public static NodeBundle readBundle(byte[] json, String key, String jobId, int attempt, int index, int numNodes) {
        if (json.length > MAX_RECORD_BYTES + 64L * numNodes) {
            throw invalid(key, "is " + json.length + " bytes, more than a bundle for " + numNodes + " nodes may have");
        }
        NodeBundle bundle = read(json, key, NodeBundle.class);
        if (!bundle.jobId().equals(jobId) || bundle.attempt() != attempt || bundle.index() != index) {
            throw invalid(key, "is for job " + bundle.jobId() + " attempt " + bundle.attempt() + " node "
                    + bundle.index() + ", not job " + jobId + " attempt " + attempt + " node " + index);
        }
        checkKey(key, "certificate authority", bundle.certificateAuthority());
        checkCertificate(key, "host certificate", bundle.hostCertificate());
        checkCertificate(key, "user certificate", bundle.userCertificate());
        if (!IPV4.matcher(bundle.mainAddress()).matches() || !validPort(bundle.beaconPort())
                || (bundle.sshPort() != 0 && !validPort(bundle.sshPort()))
                || (bundle.sshPort() == 0) == bundle.ports().isEmpty()) {
            throw invalid(key, "names the main node at '" + bundle.mainAddress() + "' beacon port "
                    + bundle.beaconPort() + " with ssh port " + bundle.sshPort() + " and " + bundle.ports().size() + " per-node ports: "
                    + "expected an IPv4 address, ports 1 to 65535, and per-node ports exactly when sshPort is 0");
        }
        if (!USER.matcher(bundle.user()).matches()) {
            throw invalid(key, "names the login user '" + bundle.user() + "', which is not a user name");
        }
        return bundle;
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
        if (!validPort(record.sshPort()) || record.slots() < 1) {
            throw invalid(key, "has port " + record.sshPort() + " and slots " + record.slots()
                    + ": the port must be 1 to 65535 and slots at least 1");
        }
        if (record.notifyPort() != 0 && !validPort(record.notifyPort())) {
            throw invalid(key, "has notify port " + record.notifyPort() + ": it must be 0 (none) or 1 to 65535");
        }
        if (record.cpus() < 0 || !MACHINE.matcher(record.machine()).matches()) {
            throw invalid(key, "has cpus " + record.cpus() + " and machine '" + record.machine()
                    + "': cpus must be 0 (unknown) or more, the machine up to 64 hex digits");
        }
        checkKey(key, "user key", record.userKey());
        checkKey(key, "host key", record.hostKey());
    }

    /** Checks that no two nodes registered the same address and port, or the same key (linear: N may be 1,000). */
    public static void checkDistinct(List<NodeRecord> records) {
        Map<String, Integer> addresses = new HashMap<>();
        Map<String, Integer> keys = new HashMap<>();
        for (NodeRecord b : records) {
            Integer a = addresses.putIfAbsent(b.address() + ":" + b.sshPort(), b.index());
            if (a != null) {
                throw new RendezvousException("nodes " + a + " and " + b.index() + " both registered " + b.address()
                        + ":" + b.sshPort() + ": two agents on one address, or a stale record");
            }
            for (String key : List.of(KeyText.body(b.userKey()), KeyText.body(b.hostKey()))) {
                Integer other = keys.putIfAbsent(key, b.index());
                if (other != null) {
                    throw new RendezvousException("nodes " + Math.min(other, b.index()) + " and "
                            + Math.max(other, b.index()) + " registered the same key: every node must make its own keys");
                }
            }
        }
    }

    private static void checkKey(String key, String what, String value) {
        if (value.contains("PRIVATE KEY")) {
            throw invalid(key, "carries private key material as its " + what + ": refusing it");
        }
        if (!ED25519.matcher(value).matches()) {
            throw invalid(key, "has a " + what + " that is not one OpenSSH ed25519 public key line");
        }
    }

    private static void checkCertificate(String key, String what, String value) {
        if (!CERTIFICATE.matcher(value).matches()) {
            throw invalid(key, "has a " + what + " that is not one OpenSSH ssh-ed25519-cert-v01 line");
        }
    }

    private static boolean validPort(int port) {
        return port >= 1 && port <= 65535;
    }

    private static <T> T read(byte[] json, String key, Class<T> type) {
        if (json.length > MAX_RECORD_BYTES && type != NodeBundle.class) {
            throw invalid(key, "is " + json.length + " bytes, more than the " + MAX_RECORD_BYTES + " a record may have");
        }
        try {
            return JSON.readValue(json, type);
        } catch (IOException | RuntimeException e) {
            throw new RendezvousException("rendezvous record " + key + " is malformed (" + type.getSimpleName()
                    + " expected): " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Jackson by default reads {@code "index": "1"} and even {@code "index": 1.5} as the integer 1, and a number as a
     * string: in a record that decides who joins the cluster, a field of the wrong JSON type is an error, not a guess.
     */
    private static ObjectMapper strictTypes(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        Map<LogicalType, List<CoercionInputShape>> refused = Map.of(
                LogicalType.Integer, List.of(CoercionInputShape.String, CoercionInputShape.Float,
                        CoercionInputShape.Boolean, CoercionInputShape.EmptyString),
                LogicalType.Boolean, List.of(CoercionInputShape.String, CoercionInputShape.Integer,
                        CoercionInputShape.EmptyString),
                LogicalType.Textual, List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                        CoercionInputShape.Boolean));
        refused.forEach((type, shapes) -> shapes.forEach(
                shape -> mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail)));
        return mapper;
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
