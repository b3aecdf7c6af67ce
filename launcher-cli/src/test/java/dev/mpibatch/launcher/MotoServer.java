package dev.mpibatch.launcher;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.mpibatch.launcher.aws.AwsClients;
import dev.mpibatch.testing.Requirements;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JQState;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * moto (an AWS emulator) as a process on a free 127.0.0.1 port, with its Batch backend in no-Docker mode (jobs go
 * straight to SUCCEEDED, or FAILED with {@code failJobs}), an IAM role, a compute environment, a queue and a bucket.
 */
final class MotoServer implements AutoCloseable {
    static final String QUEUE = "mpi-queue";
    static final String BUCKET = "mpi-batch-test";
    static final String REGION = "us-east-1";
    /** A job role ARN for submits (moto does not check that the role exists). */
    static final String JOB_ROLE = "arn:aws:iam::123456789012:role/mpi-batch-job";
    /** What a submit needs besides queue, image and bucket: a job role and the node size. */
    static final List<String> JOB_ROLE_AND_SIZE = List.of("--job-role-arn", JOB_ROLE, "--instance-type", "c6i.large");
    static final Map<String, String> CREDENTIALS = Map.of("AWS_ACCESS_KEY_ID", "testing",
            "AWS_SECRET_ACCESS_KEY", "testing", "AWS_REGION", REGION);

    private final Process process;
    private final int port;

    private MotoServer(boolean failJobs) throws Exception {
        Requirements.require(Requirements.onPath("moto_server"), "moto_server (moto 5, pip install 'moto[server]')");
        port = freePort();
        ProcessBuilder builder = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(Files.createTempFile("moto", ".log").toFile());
        if (failJobs) {
            builder.environment().put("MOTO_SIMPLE_BATCH_FAIL_AFTER", "0");
        }
        process = builder.start();
        awaitPort();
        post("/moto-api/config", "{\"batch\":{\"use_docker\":false}}");
    }

    /** A moto whose jobs succeed, with a queue and a bucket. */
    static MotoServer start() throws Exception {
        return start(false);
    }

    static MotoServer start(boolean failJobs) throws Exception {
        MotoServer moto = new MotoServer(failJobs);
        moto.createQueueAndBucket();
        return moto;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    AwsClients clients() {
        return new AwsClients(Optional.of(REGION), Optional.of(endpoint()), Optional.empty(), CREDENTIALS);
    }

    /** CLI arguments that point every AWS call at this moto. */
    List<String> awsArgs() {
        return List.of("--endpoint-url", endpoint(), "--region", REGION);
    }

    /** The environment the CLI runs with: credentials for moto, nothing from this machine's AWS setup. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>(CREDENTIALS);
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", System.getProperty("java.io.tmpdir"));
        return env;
    }

    private void createQueueAndBucket() {
        createQueueAndBucket(clients(), endpoint());
    }

    /** The service role, compute environment {@code mpi-ce}, queue {@link #QUEUE} and bucket {@link #BUCKET}, at {@code endpoint}. */
    static void createQueueAndBucket(AwsClients clients, String endpoint) {
        try (IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(endpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             BatchClient batch = clients.batch(); var s3 = clients.s3()) {
            String role = iam.createRole(b -> b.roleName("batch-service").assumeRolePolicyDocument("{}")).role().arn();
            batch.createComputeEnvironment(b -> b.computeEnvironmentName("mpi-ce").type(CEType.UNMANAGED)
                    .state(software.amazon.awssdk.services.batch.model.CEState.ENABLED).serviceRole(role));
            batch.createJobQueue(b -> b.jobQueueName(QUEUE).state(JQState.ENABLED).priority(1)
                    .computeEnvironmentOrder(o -> o.order(1).computeEnvironment("mpi-ce")));
            s3.createBucket(b -> b.bucket(BUCKET));
        }
    }

    private void awaitPort() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("moto_server did not listen on 127.0.0.1:" + port + " within 60 s");
    }

    private void post(String path, String body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint() + path).toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        if (connection.getResponseCode() / 100 != 2) {
            throw new IllegalStateException("moto refused " + path + ": HTTP " + connection.getResponseCode());
        }
        connection.getInputStream().readAllBytes();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    static Path cHello() {
        return Path.of(System.getProperty("mpiBatch.examples", "../examples")).resolve("c-hello/job.yaml");
    }
}
