package dev.mpibatch.testkit.batch;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * An emulated AWS Batch that runs multi-node parallel jobs for real, for end-to-end tests of the AWS path on one
 * machine: one endpoint ({@link #endpoint()}) where Batch's job operations are answered as AWS answers them and
 * everything else (S3, CloudWatch Logs, IAM, CloudFormation, Batch's queues and job definitions) is moto's; each
 * node of a job is a podman container of the definition's image on a network the emulator makes, with Batch's
 * environment, job-role credentials from the ECS credentials endpoint at 169.254.170.2 and its output in
 * CloudWatch Logs. Needs root, podman (e.g. the project's bin/podman) and moto_server. {@link #close()} leaves
 * nothing behind: jobs terminated, containers and network removed, the address and moto gone.
 *
 * <pre>{@code
 * try (BatchEmulator batch = BatchEmulator.builder().podman("bin/podman").seed(7).start()) {
 *     // mpi-batch submit ... --endpoint-url batch.endpoint() --region batch.region()
 * }
 * }</pre>
 */
public final class BatchEmulator implements AutoCloseable {
    /** moto's account, in every ARN it and the emulator make. */
    public static final String ACCOUNT = "123456789012";
    private static final Logger LOG = LoggerFactory.getLogger(BatchEmulator.class);

    private final Builder settings;
    private final String label;
    private final List<AutoCloseable> made = new ArrayList<>();
    private MotoProcess moto;
    private BatchApi api;
    private PodmanRuntime runtime;
    private FrontServer front;
    private String network;

    private BatchEmulator(Builder settings) {
        this.settings = settings;
        this.label = "mpi-batch-emu-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }

    public static Builder builder() {
        return new Builder();
    }

    private BatchEmulator start() throws IOException, InterruptedException {
        try {
            moto = MotoProcess.start(settings.moto);
            made.add(moto);
            StsClient sts = StsClient.builder().region(Region.of(settings.region))
                    .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(fixedCredentials())
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
            CredentialsEndpoint credentials = CredentialsEndpoint.start(sts);
            made.add(credentials);
            network = label;
            Exec.run(List.of(settings.podman, "network", "create", "--disable-dns", "--label",
                    "dev.mpi-batch.emulator=" + label, network));
            made.add(() -> Exec.quietly(List.of(settings.podman, "network", "rm", "--force", network)));
            CloudWatchLogsClient logs = CloudWatchLogsClient.builder().region(Region.of(settings.region))
                    .endpointOverride(URI.create(moto.endpoint())).credentialsProvider(fixedCredentials())
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
            made.add(logs);
            runtime = new PodmanRuntime(settings.podman, network, label, settings.stopTimeout, logs, credentials,
                    "arn:aws:ecs:" + settings.region + ":" + ACCOUNT + ":task/" + label + "/");
            made.add(runtime);
            Definitions definitions = new Definitions();
            api = new BatchApi(new MotoCatalog(moto.endpoint(), settings.region, definitions), runtime,
                    new Pacing(settings.stateDelay, settings.childDelayMax, settings.seed, settings.clock),
                    settings.region, ACCOUNT);
            made.add(this::removeContainers);
            made.add(() -> api.stopAll(settings.stopTimeout.toMillis() + 30_000));
            front = FrontServer.start(LinkLocalAddress.ADDRESS, api, definitions, moto.port());
            made.add(front);
            made.add(() -> {
                if (front.slowRequests() > 0) {
                    LOG.warn("{} requests to moto were slow; the end of moto's log:\n{}", front.slowRequests(),
                            moto.logTail(60));
                }
            });
            LOG.info("Batch emulator at {} (moto at {}, podman network {})", endpoint(), moto.endpoint(), network);
            return this;
        } catch (IOException | RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    private static StaticCredentialsProvider fixedCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    }

    /** The endpoint for every AWS call, from this machine and from the containers: {@code http://169.254.170.2:PORT}. */
    public String endpoint() {
        return "http://" + LinkLocalAddress.ADDRESS + ":" + front.port();
    }

    /** moto itself, on 127.0.0.1 (for checks that must not go through the emulator). */
    public String motoEndpoint() {
        return moto.endpoint();
    }

    public String region() {
        return settings.region;
    }

    /** The podman network of the nodes. */
    public String network() {
        return network;
    }

    /** The label value on every container and on the network ({@code dev.mpi-batch.emulator=<label>}). */
    public String label() {
        return label;
    }

    /** The podman container name of a node of a job in an attempt (it exists while that node runs). */
    public String containerName(String jobId, int node, int attempt) {
        return runtime.containerName(jobId, node, attempt);
    }

    /** The names of this emulator's containers that exist now (running or not). */
    public List<String> containers() {
        String out = Exec.run(List.of(settings.podman, "ps", "--all", "--filter", "label=dev.mpi-batch.emulator=" + label,
                "--format", "{{.Names}}"));
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Waits until the job has ended and all its containers are gone; false if that takes longer than {@code wait}. */
    public boolean awaitJob(String jobId, Duration wait) throws InterruptedException {
        JobRun run = api.run(jobId);
        return run != null && run.awaitEnd(wait.toMillis());
    }

    /** The ids of the jobs submitted so far, oldest first. */
    public List<String> jobIds() {
        return api.jobIds();
    }

    /** The job's status now, as DescribeJobs would say. */
    public Optional<String> status(String jobId) {
        return api.table().get(jobId).map(j -> j.status().name());
    }

    private void removeContainers() {
        List<String> left = new ArrayList<>(List.of(settings.podman, "rm", "--force", "--ignore", "--time", "0"));
        left.addAll(containers());
        if (left.size() > 6) {
            Exec.quietly(left);
        }
    }

    /** Terminates running jobs, then removes containers, network, the credentials address and moto. */
    @Override
    public void close() {
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                made.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing the Batch emulator: {}", e.toString());
            }
        }
        made.clear();
    }

    /** Settings; every one has a default. */
    public static final class Builder {
        private String podman = "podman";
        private String moto = "moto_server";
        private String region = "us-east-1";
        private long seed = 1;
        private Duration stateDelay = Duration.ofMillis(300);
        private Duration childDelayMax = Duration.ofSeconds(2);
        private Duration stopTimeout = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The podman command (default {@code podman}; the project's {@code bin/podman} on sandboxed machines). */
        public Builder podman(String executable) {
            podman = Objects.requireNonNull(executable, "podman");
            return this;
        }

        /** The moto_server command (default {@code moto_server} from PATH). */
        public Builder moto(String executable) {
            moto = Objects.requireNonNull(executable, "moto");
            return this;
        }

        public Builder region(String value) {
            region = Objects.requireNonNull(value, "region");
            return this;
        }

        /** Seeds the children's launch order and delays (default 1). */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** The pause between SUBMITTED, PENDING, RUNNABLE and STARTING (default 300 ms). */
        public Builder stateDelay(Duration value) {
            stateDelay = Objects.requireNonNull(value, "stateDelay");
            return this;
        }

        /** The longest random delay of a child node's launch after the main node runs (default 2 s). */
        public Builder childDelayMax(Duration value) {
            childDelayMax = Objects.requireNonNull(value, "childDelayMax");
            return this;
        }

        /** How long a stopped container has between SIGTERM and SIGKILL (default ECS's 30 s). */
        public Builder stopTimeout(Duration value) {
            stopTimeout = Objects.requireNonNull(value, "stopTimeout");
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Starts moto, the network, the credentials endpoint and the front server. */
        public BatchEmulator start() throws IOException, InterruptedException {
            return new BatchEmulator(this).start();
        }
    }
}
