package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.SdkRequest;

/**
 * Every request the CLI sends in the commands a user runs (submit plain and with every option, submit --wait, status,
 * logs, list, cancel, doctor, configure, and a refused submit that cleans up), recorded against
 * moto, is valid against AWS's own service models (botocore's): moto accepts requests that AWS refuses, such as an
 * empty tags map.
 */
class AwsModelIT {
    @Test
    void everyRequestOfEveryCommand_isValidAgainstBotocoresModels() throws Exception {
        List<SdkRequest> sent = new ArrayList<>();
        try (MotoServer moto = MotoServer.start()) {
            RecordingInterceptor.clear();
            List<String> base = new ArrayList<>(List.of("--queue", MotoServer.QUEUE, "--image", "img:1", "--bucket",
                    MotoServer.BUCKET));
            base.addAll(MotoServer.JOB_ROLE_AND_SIZE);
            base.addAll(moto.awsArgs());
            String job = MotoServer.cHello().toString();

            String plain = ok(Cli.run(moto.env(), base, "submit", job)).out().strip();
            List<String> full = new ArrayList<>(base);
            full.addAll(List.of("--nodes", "5", "--efa", "--gpus", "1", "--timeout", "2h", "--retry-attempts", "3",
                    "--tag", "team=hpc", "--tag", "project=mpi", "--env", "OMP_NUM_THREADS=2", "--log-group",
                    "/aws/batch/mpi", "--shm-size", "1024", "--prefix", "runs/today"));
            ok(Cli.run(moto.env(), full, "submit", job));
            ok(Cli.run(moto.env(), moto.awsArgs(), "status", plain));
            ok(Cli.run(moto.env(), moto.awsArgs(), "status", plain, "--output", "json"));
            // Batch makes its log group when the first container logs; moto's jobs never do.
            try (var logs = moto.clients().logs()) {
                logs.createLogGroup(b -> b.logGroupName("/aws/batch/job"));
            }
            ok(Cli.run(moto.env(), moto.awsArgs(), "logs", plain, "--all"));
            ok(Cli.run(moto.env(), moto.awsArgs(), "logs", plain, "--node", "0"));
            ok(Cli.run(moto.env(), moto.awsArgs(), "list", "--queue", MotoServer.QUEUE));
            ok(Cli.run(moto.env(), moto.awsArgs(), "list", "--queue", MotoServer.QUEUE, "--output", "json"));
            ok(Cli.run(moto.env(), moto.awsArgs(), "wait", plain, "--output", "json"));
            ok(Cli.run(moto.env(), moto.awsArgs(), "list", "--queue", MotoServer.QUEUE, "--status", "RUNNING"));
            ok(Cli.run(moto.env(), moto.awsArgs(), "cancel", plain, "--reason", "model check"));
            // moto's jobs end at once, so the CLI's cancel finds nothing to stop; the library's handle sends
            // TerminateJob whatever the state.
            try (MpiBatchLauncher launcher = new MpiBatchLauncher(moto.clients().batch(), moto.clients().s3(),
                    moto.clients().logs(), LauncherSettings.builder().queue(MotoServer.QUEUE).image("img:1")
                    .bucket(MotoServer.BUCKET).build())) {
                launcher.attach(plain).cancel("model check");
            }
            ok(Cli.run(moto.env(), base, "doctor", job));
            List<String> badQueue = new ArrayList<>(base);
            badQueue.set(1, "no-such-queue");
            assertThat(Cli.run(moto.env(), badQueue, "submit", job).exitCode()).isEqualTo(3);
            assertThat(Cli.run(moto.env(), moto.awsArgs(), "configure", "--stack", "no-such-stack", "--config",
                    java.nio.file.Files.createTempFile("config", "").toString()).exitCode()).isEqualTo(3);
            sent.addAll(RecordingInterceptor.requests());
        }
        try (MotoServer failing = MotoServer.start(true)) {
            RecordingInterceptor.clear();
            List<String> wait = new ArrayList<>(List.of("--queue", MotoServer.QUEUE, "--image", "img:1", "--bucket",
                    MotoServer.BUCKET, "--wait"));
            wait.addAll(MotoServer.JOB_ROLE_AND_SIZE);
            wait.addAll(failing.awsArgs());
            assertThat(Cli.run(failing.env(), wait, "submit", MotoServer.cHello().toString()).exitCode()).isEqualTo(1);
            sent.addAll(RecordingInterceptor.requests());
        }

        AwsModel.assertAllValid(sent, "batch:SubmitJob", "batch:RegisterJobDefinition",
                "batch:DescribeJobDefinitions", "batch:DescribeJobQueues", "batch:DescribeComputeEnvironments",
                "batch:DescribeJobs", "batch:ListJobs", "batch:TerminateJob", "s3:PutObject", "logs:GetLogEvents", "logs:DescribeLogGroups",
                "cloudformation:DescribeStacks");
    }

    private static Cli ok(Cli run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }
}
