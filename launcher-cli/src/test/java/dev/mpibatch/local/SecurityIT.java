package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.testing.S3ProxyFixture;
import dev.mpibatch.testkit.S3FaultProxy;
import dev.mpibatch.testkit.WrittenBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Security promises checked on real runs: namespace hosts, real sshd, an S3 rendezvous whose every write is
 * recorded by a proxy, and AWS credentials (fake, but recognisable) in the environment.
 */
class SecurityIT {
    /** Not the default subnet: a run of another test elsewhere on the machine must not share the bridge's route. */
    private static final String SUBNET = "10.217.0.0/24";
    /** A session token as STS would hand one out; it must never be printed. */
    private static final String SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLEmpiBatchSessionToken0123456789abcdef";
    private static final List<String> NEVER_PRINTED = List.of(S3ProxyFixture.SECRET_KEY, SESSION_TOKEN, "PRIVATE KEY",
            PrivateKeys.OPENSSH_MAGIC_BASE64, "X-Amz-Signature", "X-Amz-Credential", "Signature=", "X-Amz-Security-Token");

    @TempDir
    Path temp;

    @BeforeEach
    void requirements() {
        LocalRun.requireNamespaceCluster();
    }

    @Test
    void cHelloOverS3_noPrivateKeyMaterialInAnyObject_everyWriteEncrypted_noSecretPrinted() throws Exception {
        try (S3ProxyFixture s3 = S3ProxyFixture.startOnAllAddresses();
             S3FaultProxy proxy = recordingProxy(s3)) {
            s3.createBucket("sec");
            LocalRun run = LocalRun.run(credentials(s3), "local", LocalRun.examples().resolve("c-hello/job.yaml").toString(),
                    "--nodes", "3", "--rendezvous", "s3://sec/rendezvous", "--endpoint-url", proxy.endpoint(), "--keep",
                    "--subnet", SUBNET);
            Path root = Path.of("/run/mpi-batch/local-" + run.runId());
            try {
                assertThat(run.exitCode()).as(run.err()).isZero();
                assertThat(run.out()).contains("hello from rank 5 of 6");
                List<WrittenBody> writes = proxy.stats().writes();
                assertEveryObjectEncrypted(writes);

                List<byte[]> seeds = PrivateKeys.seedsUnder(root.resolve("hosts"));
                assertThat(seeds).as("user and host key of each of the 3 nodes").hasSizeGreaterThanOrEqualTo(6);
                System.out.printf("scanned %d writes (%d bytes) for %d private keys%n", writes.size(),
                        writes.stream().mapToInt(w -> w.body().length).sum(), seeds.size());
                for (WrittenBody write : writes) {
                    assertThat(write.text()).as(write.target()).doesNotContain("PRIVATE KEY")
                            .doesNotContain(PrivateKeys.OPENSSH_MAGIC_BASE64);
                    for (byte[] seed : seeds) {
                        assertThat(PrivateKeys.containsRaw(write.body(), seed)).as("raw key bytes in " + write.target()).isFalse();
                        assertThat(write.text()).as(write.target()).doesNotContain(PrivateKeys.telltales(seed).toArray(String[]::new));
                    }
                }
                String printed = run.out() + run.err();
                assertNothingSecretIn(printed);
                for (byte[] seed : seeds) {
                    assertThat(printed).doesNotContain(PrivateKeys.telltales(seed).toArray(String[]::new));
                }
                // What the run left on disk (state and working directories): no credential was written anywhere.
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                        assertThat(text).as(file.toString()).doesNotContain(S3ProxyFixture.SECRET_KEY).doesNotContain(SESSION_TOKEN);
                    }
                }
            } finally {
                LocalRun.deleteTree(root);
            }
            Leftovers.assertNone(run.runId());
        }
    }

    @Test
    void liveNodes_sshdKeyOnlyOnTheClusterAddress_hostKeysVerified_privateModes_rendezvousDeleted() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("inspect"));
        Files.copy(Path.of(SecurityIT.class.getResource("/security/inspect-node.sh").toURI()), dir.resolve("inspect-node.sh"));
        Path job = LocalRun.writeJob(dir.resolve("job.yaml"), "inspect", 2, "files: [inspect-node.sh]", "steps:",
                "  - sh: sh inspect-node.sh");
        try (S3ProxyFixture s3 = S3ProxyFixture.startOnAllAddresses();
             S3FaultProxy proxy = recordingProxy(s3)) {
            s3.createBucket("sec");
            LocalRun run = LocalRun.run(credentials(s3), "local", job.toString(),
                    "--rendezvous", "s3://sec/rendezvous", "--endpoint-url", proxy.endpoint(), "--subnet", SUBNET);
            String out = run.out();

            assertThat(run.exitCode()).as(run.err()).isZero();
            Matcher addresses = Pattern.compile("address main (\\S+) worker (\\S+)").matcher(out);
            assertThat(addresses.find()).as(out).isTrue();
            List<String> mainListens = lines(out, "listen main ");
            List<String> workerListens = lines(out, "listen worker ");
            assertThat(mainListens).as("sshd listens only on the main node's cluster address").isNotEmpty()
                    .allMatch(l -> l.equals(addresses.group(1) + ":2222"));
            assertThat(workerListens).as("sshd listens only on the worker's cluster address").isNotEmpty()
                    .allMatch(l -> l.equals(addresses.group(2) + ":2222"));
            assertThat(out).contains("[node 0] key-login-ok");
            assertThat(lines(out, "unknown-host-key ")).as("an unknown host key is refused")
                    .anyMatch(l -> l.contains("Host key verification failed"));
            assertThat(lines(out, "client ")).containsExactly("stricthostkeychecking true");
            assertThat(lines(out, "password-login exit ")).singleElement().satisfies(l -> assertThat(l)
                    .startsWith("255:").contains("Permission denied (publickey)"));
            assertThat(lines(out, "askpass asked ")).containsExactly("0 times");
            for (String node : List.of("main", "worker")) {
                assertThat(lines(out, "mode " + node + " dir ")).singleElement().asString().startsWith("700 ");
                assertThat(lines(out, "mode " + node + " private ")).as("private keys on the " + node)
                        .hasSizeGreaterThanOrEqualTo(2).allMatch(l -> l.startsWith("600 "));
                assertThat(lines(out, "mode " + node + " file ")).as("no file of the state directory is writable by others")
                        .isNotEmpty().allMatch(l -> l.matches("[0-7][0145][0145] .*"));
            }

            assertEveryObjectEncrypted(proxy.stats().writes());
            assertThat(proxy.stats().writes()).as("the rendezvous objects were deleted in one request")
                    .anyMatch(w -> w.method().equals("POST") && w.target().contains("delete"));
            try (S3Client client = s3.client()) {
                assertThat(client.listObjectsV2(b -> b.bucket("sec").prefix("rendezvous/")).contents())
                        .as("the rendezvous prefix after the run").isEmpty();
            }
            assertNothingSecretIn(run.out() + run.err());
            Leftovers.assertNone(run.runId());
        }
    }

    private static S3FaultProxy recordingProxy(S3ProxyFixture s3) throws Exception {
        return S3FaultProxy.builder().upstream(URI.create(s3.endpoint())).bindAddress("0.0.0.0").recordBodies(true).start();
    }

    private static Map<String, String> credentials(S3ProxyFixture s3) {
        Map<String, String> env = new HashMap<>(s3.credentialsEnvironment());
        env.put("AWS_SESSION_TOKEN", SESSION_TOKEN);
        return env;
    }

    /** Every object written (a PUT) asked S3 for server-side encryption. */
    private static void assertEveryObjectEncrypted(List<WrittenBody> writes) {
        List<WrittenBody> puts = writes.stream().filter(w -> w.method().equals("PUT")).toList();
        assertThat(puts).as("objects written during the run").isNotEmpty();
        assertThat(puts).allSatisfy(w -> assertThat(w.serverSideEncryption()).as(w.target()).isEqualTo("AES256"));
    }

    private static void assertNothingSecretIn(String printed) {
        for (String secret : NEVER_PRINTED) {
            assertThat(printed).as("printed output").doesNotContain(secret);
        }
    }

    /** The rest of every output line that carries {@code marker} (after the node prefix). */
    private static List<String> lines(String out, String marker) {
        List<String> found = new ArrayList<>();
        for (String line : out.split("\n")) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                found.add(line.substring(at + marker.length()).strip());
            }
        }
        return found;
    }

}
