package dev.mpibatch.agent.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.agent.NodeEnvironment;
import dev.mpibatch.agent.ssh.ClusterAuthority;
import dev.mpibatch.agent.ssh.SshCertificate;
import dev.mpibatch.agent.ssh.SshKeyPair;
import dev.mpibatch.agent.ssh.SshKeys;
import dev.mpibatch.testing.S3ProxyFixture;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** The rendezvous of many nodes through a real S3 API (S3Proxy), with real keys. */
class S3RendezvousIT {
    private static final String BUCKET = "rendezvous-it";
    private static S3ProxyFixture s3;

    @TempDir
    Path keys;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyFixture.startWithBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @Test
    void formation_with32Nodes_certifiesEveryNodesKeysAndPublishesNoPrivateKey() throws Exception {
        int n = 32;
        String jobId = "job-32";
        List<SshKeyPair> userKeys = new ArrayList<>();
        List<SshKeyPair> hostKeys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path dir = Files.createDirectories(keys.resolve("node" + i));
            userKeys.add(SshKeys.generate(dir, "id_ed25519", "user" + i));
            hostKeys.add(SshKeys.generate(dir, "host_ed25519", "host" + i));
        }
        List<Object> objectsBeforeCleanUp = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<Formed>> futures = new ArrayList<>();
        try (S3Client client = s3.client()) {
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> runNode(client, jobId, 1, index, n, userKeys.get(index),
                        hostKeys.get(index), objectsBeforeCleanUp)));
            }
            List<Formed> results = new ArrayList<>();
            for (Future<Formed> formed : futures) {
                results.add(formed.get(120, TimeUnit.SECONDS));
            }

            Roster roster = results.get(0).roster();
            assertThat(roster.nodes()).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(roster.node(i).userKey()).isEqualTo(userKeys.get(i).publicKeyLine());
                NodeBundle bundle = results.get(i).bundle();
                assertThat(bundle.certificateAuthority()).isEqualTo(results.get(0).bundle().certificateAuthority());
                assertThat(SshCertificate.parse(bundle.userCertificate()).certifies(userKeys.get(i).publicKeyLine())).isTrue();
                assertThat(SshCertificate.parse(bundle.hostCertificate()).principals())
                        .containsExactly(roster.node(i).address());
                assertThat(bundle.ports()).as("loopback: every node has its own port").hasSize(n);
            }
            assertThat(objectsBeforeCleanUp).isNotEmpty();
            for (Object content : objectsBeforeCleanUp) {
                String text = (String) content;
                assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain("openssh-key-v1")
                        .doesNotContain("b3BlbnNzaC1rZXktdjE"); // base64 of the private key format's magic
                for (int i = 0; i < n; i++) {
                    assertThat(text).doesNotContain(privateKeyBody(userKeys.get(i))).doesNotContain(privateKeyBody(hostKeys.get(i)));
                }
            }
            assertThat(client.listObjectsV2(b -> b.bucket(BUCKET).prefix("rdv/" + jobId)).contents())
                    .as("the main node deletes the rendezvous at the end").isEmpty();
        } finally {
            pool.shutdownNow();
        }
        List<PutObjectRequest> puts = s3.requests().stream().filter(PutObjectRequest.class::isInstance)
                .map(PutObjectRequest.class::cast).toList();
        assertThat(puts).hasSizeGreaterThanOrEqualTo(2 * n + 2)
                .allSatisfy(put -> assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256));
    }

    @Test
    void formation_whenAnOlderAttemptLeftObjects_ignoresThem() throws Exception {
        int n = 3;
        String jobId = "job-retried";
        List<SshKeyPair> userKeys = new ArrayList<>();
        List<SshKeyPair> hostKeys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path dir = Files.createDirectories(keys.resolve("retry" + i));
            userKeys.add(SshKeys.generate(dir, "id_ed25519", "user" + i));
            hostKeys.add(SshKeys.generate(dir, "host_ed25519", "host" + i));
        }
        try (S3Client client = s3.client()) {
            // Attempt 1 died after two nodes registered and a roster with other addresses was written.
            try (RendezvousStore old = RendezvousStores.open("s3://" + BUCKET + "/rdv", client, jobId, 1)) {
                for (int i = 0; i < 2; i++) {
                    old.put(RendezvousKeys.node(i), RecordCodec.write(record(jobId, 1, i, userKeys.get(i), hostKeys.get(i), 9000)));
                }
                old.put(RendezvousKeys.DONE, RecordCodec.write(new DoneRecord(1, "attempt 1 failed")));
            }
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<Formed>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> runNode(client, jobId, 2, index, n, userKeys.get(index),
                        hostKeys.get(index), new ArrayList<>())));
            }
            Roster r = futures.get(0).get(60, TimeUnit.SECONDS).roster();
            assertThat(r.attempt()).isEqualTo(2);
            assertThat(r.nodes()).extracting(NodeRecord::sshPort).containsExactly(20000, 20001, 20002);
            for (Future<Formed> formed : futures) {
                NodeBundle bundle = formed.get(60, TimeUnit.SECONDS).bundle();
                assertThat(bundle.attempt()).isEqualTo(2);
                assertThat(bundle.ports()).containsEntry("127.0.0." + (bundle.index() + 1), 20000 + bundle.index());
            }
            pool.shutdownNow();
            List<String> left = client.listObjectsV2(b -> b.bucket(BUCKET).prefix("rdv/" + jobId)).contents()
                    .stream().map(S3Object::key).toList();
            assertThat(left).allSatisfy(key -> assertThat(key).contains("/attempt-1/"));
        }
    }

    /** What a node has once the cluster formed: the main node the roster, every node its bundle. */
    private record Formed(Roster roster, NodeBundle bundle) {
    }

    private static Formed runNode(S3Client client, String jobId, int attempt, int index, int n, SshKeyPair user,
                                  SshKeyPair host, List<Object> objectsBeforeCleanUp) {
        NodeEnvironment env = new NodeEnvironment(index, 0, n, jobId, attempt);
        try (RendezvousStore store = RendezvousStores.open("s3://" + BUCKET + "/rdv", client, jobId, attempt)) {
            Rendezvous rendezvous = new Rendezvous(store, env, Clock.systemUTC(), Sleeper.system(), Polling.defaults(),
                    new Random(index));
            rendezvous.register(record(jobId, attempt, index, user, host, 20000));
            Roster roster = null;
            NodeBundle bundle;
            if (index == 0) {
                roster = rendezvous.gatherRoster(Duration.ofSeconds(60));
                ClusterAuthority authority = new ClusterAuthority(roster, "root", Instant.now(), Duration.ofHours(1));
                bundle = rendezvous.publishBundles(i -> authority.bundleFor(i, 0, 2223));
            } else {
                bundle = rendezvous.awaitBundle(Duration.ofSeconds(60));
            }
            rendezvous.acknowledge();
            if (index == 0) {
                rendezvous.awaitReady(Duration.ofSeconds(60));
                rendezvous.publishDone(new DoneRecord(0, "plan finished"));
                synchronized (objectsBeforeCleanUp) {
                    for (String key : store.list("")) {
                        objectsBeforeCleanUp.add(new String(store.get(key).orElseThrow(), StandardCharsets.UTF_8));
                    }
                }
                // Workers must see done.json before it goes.
                long deadline = System.currentTimeMillis() + 30_000;
                while (store.list(RendezvousKeys.READY_PREFIX).size() < n && System.currentTimeMillis() < deadline) {
                    Thread.onSpinWait();
                }
                awaitWorkersSawDone(store, n);
                rendezvous.cleanUp();
            } else {
                Optional<DoneRecord> done = rendezvous.awaitDone(() -> true, Duration.ofSeconds(10));
                assertThat(done).contains(new DoneRecord(0, "plan finished"));
                store.put("seen/" + index, new byte[0]);
            }
            return new Formed(roster, bundle);
        }
    }

    private static void awaitWorkersSawDone(RendezvousStore store, int n) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (store.list("seen/").size() < n - 1 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static NodeRecord record(String jobId, int attempt, int index, SshKeyPair user, SshKeyPair host, int basePort) {
        return new NodeRecord(jobId, attempt, index, "127.0.0." + (index + 1), basePort + index, 2, "host" + index,
                user.publicKeyLine(), host.publicKeyLine(), "test");
    }

    private static String privateKeyBody(SshKeyPair key) throws Exception {
        List<String> lines = Files.readAllLines(key.privateKey());
        return lines.get(1);
    }
}
