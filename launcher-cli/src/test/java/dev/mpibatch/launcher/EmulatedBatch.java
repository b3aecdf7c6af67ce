package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mpibatch.launcher.aws.AwsClients;
import dev.mpibatch.testing.Requirements;
import dev.mpibatch.testkit.batch.BatchEmulator;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The AWS path as tests run it end to end: the node image built by bin/build-image, the Batch emulator of the test
 * kit (moto for everything but Batch's jobs, podman containers as the nodes) with moto's queue and bucket, and the
 * command lines and environment a user would have.
 */
final class EmulatedBatch implements AutoCloseable {
    static final Path ROOT = dev.mpibatch.local.NodeImage.ROOT;
    static final String IMAGE = dev.mpibatch.local.NodeImage.TAG;

    final BatchEmulator batch;

    private EmulatedBatch(BatchEmulator batch) {
        this.batch = batch;
    }

    /** Needs root, moto_server and podman (bin/build-image installs podman as root); builds the image once. */
    static EmulatedBatch start(long seed) throws Exception {
        Requirements.requireRoot();
        Requirements.require(Requirements.onPath("moto_server"), "moto_server (moto 5, pip install 'moto[server]')");
        Requirements.require(Requirements.onPath("ip"), "iproute2 (ip)");
        dev.mpibatch.local.NodeImage.build();
        BatchEmulator batch = BatchEmulator.builder().podman(ROOT.resolve("bin/podman").toString()).seed(seed)
                .stopTimeout(Duration.ofSeconds(10)).start();
        EmulatedBatch emulated = new EmulatedBatch(batch);
        try {
            MotoServer.createQueueAndBucket(emulated.clients(), batch.endpoint());
        } catch (RuntimeException e) {
            batch.close();
            throw e;
        }
        return emulated;
    }

    AwsClients clients() {
        return new AwsClients(Optional.of(batch.region()), Optional.of(batch.endpoint()), Optional.empty(),
                MotoServer.CREDENTIALS);
    }

    /** --endpoint-url and --region of the emulator. */
    List<String> awsArgs() {
        return List.of("--endpoint-url", batch.endpoint(), "--region", batch.region());
    }

    /** What submit needs: queue, image, bucket, job role and size, the emulator, plus {@code extra}. */
    List<String> submitArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("--queue", MotoServer.QUEUE, "--image", IMAGE, "--bucket",
                MotoServer.BUCKET));
        args.addAll(MotoServer.JOB_ROLE_AND_SIZE);
        args.addAll(awsArgs());
        args.addAll(List.of(extra));
        return args;
    }

    /** Credentials for moto, a home of the test's own, nothing of this machine's AWS setup. */
    Map<String, String> env(Path home) {
        Map<String, String> env = new HashMap<>(MotoServer.CREDENTIALS);
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", home.toString());
        return env;
    }

    List<String> objects(String prefix) {
        return objects(MotoServer.BUCKET, prefix);
    }

    List<String> objects(String bucket, String prefix) {
        try (S3Client s3 = clients().s3()) {
            return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                    .map(S3Object::key).toList();
        }
    }

    /**
     * Nothing of the job is left: it ended, none of its containers exists, its rendezvous objects are deleted (the
     * main node's agent does it) and so are its staged plan and files (the launcher does it once it saw the end).
     */
    void assertNothingLeft(String jobId) throws InterruptedException {
        assertNothingLeft(jobId, MotoServer.BUCKET);
    }

    void assertNothingLeft(String jobId, String bucket) throws InterruptedException {
        assertThat(batch.awaitJob(jobId, Duration.ofSeconds(60))).as("job " + jobId + " ended").isTrue();
        assertThat(batch.containers()).as("containers of the emulator").isEmpty();
        assertThat(objects(bucket, "mpi-batch/rendezvous/" + jobId + "/")).as("rendezvous objects of the job").isEmpty();
        assertThat(objects(bucket, "mpi-batch/jobs/")).as("staged plans and files, deleted once the job ended").isEmpty();
    }

    /** A job file in {@code dir}: {@code nodes} nodes, one slot each, a 2 minute formation, the given step lines. */
    static Path job(Path dir, String name, int nodes, String... steps) throws java.io.IOException {
        StringBuilder text = new StringBuilder("schemaVersion: 1\nname: " + name + "\nnodes: " + nodes
                + "\nslotsPerNode: 1\ntimeouts:\n  formation: 2m\nsteps:\n");
        for (String step : steps) {
            text.append(step).append('\n');
        }
        return java.nio.file.Files.writeString(dir.resolve(name + ".yaml"), text);
    }

    /** The newest job the emulator was given, once there is one newer than {@code known}. */
    String awaitNewJob(List<String> known) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            List<String> ids = batch.jobIds();
            if (ids.size() > known.size()) {
                return ids.get(ids.size() - 1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no job was submitted within 60 s");
    }

    /** Every line the job's nodes have logged so far, as {@code mpi-batch logs --all} would print them. */
    List<String> logLines(String jobId) {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MpiBatchLauncher launcher = new MpiBatchLauncher(clients().batch(), clients().s3(), clients().logs(),
                LauncherSettings.builder().queue(MotoServer.QUEUE).image(IMAGE).bucket(MotoServer.BUCKET).build())) {
            launcher.logs(jobId, new JobHandle.Listener() {
                @Override
                public void logLine(JobHandle job, int node, long time, String message) {
                    lines.add("[node " + node + "] " + message);
                }
            });
        }
        return lines;
    }

    /** Waits until the job's logs hold {@code count} lines containing {@code text}. */
    void awaitLogLines(String jobId, String text, int count) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (logLines(jobId).stream().filter(l -> l.contains(text)).count() >= count) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("job " + jobId + " never logged " + count + " lines with '" + text + "': "
                + logLines(jobId));
    }

    /** After close: no container, network or credentials address of the emulator is left on this machine. */
    void assertClosedCleanly() {
        String label = batch.label();
        assertThat(dev.mpibatch.local.NodeImage.containersAndNetworks(label)).as("containers and networks").isEmpty();
        String links = dev.mpibatch.local.NodeImage.run(Duration.ofSeconds(30), List.of("ip", "-o", "addr", "show")).out();
        assertThat(links).as("the credentials address 169.254.170.2 on this machine").doesNotContain("169.254.170.2");
    }

    /** Something a test does that may throw. */
    interface Call<T> {
        T get() throws Exception;
    }

    /** {@code call}'s result, for lambdas that cannot throw checked exceptions. */
    static <T> T uncheck(Call<T> call) {
        try {
            return call.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        batch.close();
    }
}
