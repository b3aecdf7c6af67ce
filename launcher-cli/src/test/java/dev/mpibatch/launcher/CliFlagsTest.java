package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Unknown options, bad values and conflicting options, for every command: a usage error (exit 2) whose message
 * names the option, a pointer to {@code --help}, and not one AWS request or anything created.
 */
class CliFlagsTest {
    private static final String JOB = MotoServer.cHello().toString();
    private static final String SUBMIT_OK = "--queue q --bucket bucket-1 --image img:1 --region us-east-1";
    private static final String DEAD_END = " --endpoint-url http://127.0.0.1:9";

    @TempDir
    Path home;

    @BeforeEach
    void clear() {
        RecordingInterceptor.clear();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // the root command
                usage("frobnicate", "Unmatched argument at index 0: 'frobnicate'"),
                usage("--nodes 3", "Unknown options: '--nodes'"),
                // submit
                usage("submit " + JOB + " --nodez 3 " + SUBMIT_OK, "Unknown options: '--nodez'"),
                usage("submit " + JOB + " --nodes abc " + SUBMIT_OK, "Invalid value for option '--nodes': 'abc' is not an int"),
                usage("submit " + JOB + " --nodes 0 " + SUBMIT_OK, "--nodes 0: use 1 to 1000"),
                usage("submit " + JOB + " --nodes -5 " + SUBMIT_OK, "--nodes -5: use 1 to 1000"),
                usage("submit " + JOB + " --nodes 1001 " + SUBMIT_OK, "--nodes 1001: use 1 to 1000"),
                usage("submit " + JOB + " --timeout xyz " + SUBMIT_OK, "--timeout 'xyz' is not a duration"),
                usage("submit " + JOB + " --timeout 10s " + SUBMIT_OK, "--timeout 10s: Batch's attempt timeout must be at least 60s"),
                usage("submit " + JOB + " --vcpus 0 " + SUBMIT_OK, "--vcpus 0: vCPUs per node must be at least 1"),
                usage("submit " + JOB + " --memory lots " + SUBMIT_OK, "Invalid value for option '--memory': 'lots' is not an int"),
                usage("submit " + JOB + " --retry-attempts 11 " + SUBMIT_OK, "--retry-attempts 11: Batch allows 1 to 10 attempts"),
                usage("submit " + JOB + " --tag novalue " + SUBMIT_OK, "'--tag' (KEY=VALUE) should be in KEY=VALUE format but was novalue"),
                usage("submit " + JOB + " --endpoint-url not-a-url " + SUBMIT_OK, "--endpoint-url 'not-a-url' is not an endpoint URL"),
                usage("submit " + JOB + " --endpoint-url ftp://127.0.0.1:9 " + SUBMIT_OK, "--endpoint-url 'ftp://127.0.0.1:9' is not an endpoint URL"),
                usage("submit " + JOB + " --endpoint-url ftp://u:secret@127.0.0.1:9 " + SUBMIT_OK, "--endpoint-url 'ftp://***@127.0.0.1:9' is not an endpoint URL"),
                usage("submit " + JOB + " --dry-run --wait " + SUBMIT_OK, "--dry-run and --wait exclude each other"),
                usage("submit " + JOB + " --image img:1 --bucket bucket-1", "--queue is required"),
                // what Batch and the agent set themselves, and AWS's own tag keys (a dead endpoint on loopback: were
                // the check missing, nothing would leave this machine)
                usage("submit " + JOB + " --env AWS_BATCH_JOB_ID=x " + SUBMIT_OK + DEAD_END,
                        "--env AWS_BATCH_JOB_ID: names starting with AWS_BATCH_ are set by AWS Batch on every node"),
                usage("submit " + JOB + " --env MPI_BATCH_PLAN=s3://b/k " + SUBMIT_OK + DEAD_END,
                        "--env MPI_BATCH_PLAN: names starting with MPI_BATCH_ are set by mpi-batch on every node"),
                usage("submit " + JOB + " --tag aws:team=hpc " + SUBMIT_OK + DEAD_END,
                        "--tag aws:team: tag keys starting with 'aws:' are reserved by AWS"),
                usage("submit " + JOB + " --tag AWS:x=y " + SUBMIT_OK + DEAD_END, "--tag AWS:x: tag keys starting with 'aws:'"),
                usage("submit " + JOB + " --shm-size 0 " + SUBMIT_OK + DEAD_END, "--shm-size 0: /dev/shm needs at least 1 MiB"),
                usage("submit " + JOB + " --vcpus 2 --memory 4096 --shm-size 5000 " + SUBMIT_OK + DEAD_END,
                        "--shm-size 5000: /dev/shm must be between 1 MiB and the node's memory (4096 MiB)"),
                usage("submit " + JOB + " --explain-after soon " + SUBMIT_OK, "--explain-after 'soon' is not a duration"),
                // doctor
                usage("doctor --nodes 0 --queue q --bucket bucket-1 --region us-east-1", "--nodes 0: use 1 to 1000"),
                usage("submit " + SUBMIT_OK, "Missing required parameter: 'JOBFILE'"),
                // local
                // --env follows the job file's env rules (JobEnvironment), on local as on submit
                usage("local " + JOB + " --env 1X=a", "--env 1X: '1X' is not a variable name: use letters, digits and '_'"),
                usage("local " + JOB + " --env MPI_BATCH_SLOTS=3",
                        "--env MPI_BATCH_SLOTS: names starting with MPI_BATCH_ are set by mpi-batch on every node"),
                usage("local " + JOB + " --env AWS_BATCH_JOB_ID=x",
                        "--env AWS_BATCH_JOB_ID: names starting with AWS_BATCH_ are set by AWS Batch on every node"),
                usage("local " + JOB + " --env novalue", "'--env' (NAME=VALUE) should be in KEY=VALUE format but was novalue"),
                usage("submit " + JOB + " --env A-B=1 " + SUBMIT_OK + DEAD_END, "--env A-B: 'A-B' is not a variable name"),
                usage("local " + JOB + " --nodes abc", "Invalid value for option '--nodes': 'abc' is not an int"),
                usage("local " + JOB + " --nodes 0", "--nodes 0: use 1 to 1000"),
                usage("local " + JOB + " --nodes 1001", "--nodes 1001: use 1 to 1000"),
                usage("local " + JOB + " --slots-per-node 0", "--slots-per-node 0: use at least 1"),
                usage("local " + JOB + " --subnet banana", "--subnet 'banana' is not a subnet"),
                usage("local " + JOB + " --subnet 10.0.0.0/31", "--subnet 10.0.0.0/31: use a prefix length from 8 to 30"),
                usage("local " + JOB + " --subnet 127.0.0.0/24", "--subnet 127.0.0.0/24 is loopback (127.0.0.0/8), not a private network: use a private range, e.g. 10.213.0.0/24"),
                usage("local " + JOB + " --subnet 224.0.0.0/24", "--subnet 224.0.0.0/24 is multicast (224.0.0.0/4)"),
                usage("local " + JOB + " --subnet 0.0.0.0/16", "--subnet 0.0.0.0/16 is 'this network' (0.0.0.0/8)"),
                usage("local " + JOB + " --subnet 169.254.1.0/24", "--subnet 169.254.1.0/24 is link-local (169.254.0.0/16)"),
                usage("local " + JOB + " --subnet 255.255.255.0/24", "--subnet 255.255.255.0/24 is reserved, with the broadcast address (240.0.0.0/4)"),
                usage("local " + JOB + " --subnet 8.8.8.0/24", "--subnet 8.8.8.0/24 is not a private network"),
                usage("local " + JOB + " --subnet 172.0.0.0/8", "--subnet 172.0.0.0/8 is not a private network"),
                usage("local " + JOB + " --formation-timeout xyz", "--formation-timeout 'xyz' is not a duration"),
                usage("local " + JOB + " --mpi lam", "--mpi 'lam' is not an MPI implementation"),
                usage("local " + JOB + " --loopback --subnet 10.1.0.0/24", "--loopback and --subnet exclude each other"),
                usage("local " + JOB + " --rendezvous http://bucket/p", "--rendezvous 'http://bucket/p': use s3://bucket/prefix"),
                usage("local " + JOB + " --endpoint-url http://127.0.0.1:9", "--endpoint-url goes with --rendezvous"),
                usage("local " + JOB + " --rendezvous s3://b/p --endpoint-url 127.0.0.1:9", "--endpoint-url '127.0.0.1:9' is not an endpoint URL"),
                usage("local --nodes 2", "Missing required parameter: 'JOBFILE'"),
                usage("local --cleanup " + JOB, "--cleanup removes what killed runs left and runs no job: drop JOBFILE"),
                usage("local --cleanup --nodes 2", "runs no job: drop --nodes, or drop --cleanup"),
                // status
                usage("status", "Missing required parameter: 'JOB'"),
                usage("status j-1 --output xml --region us-east-1", "Invalid value for option '--output'"),
                usage("status j-1 --endpoint-url nope --region us-east-1", "--endpoint-url 'nope' is not an endpoint URL"),
                // logs
                usage("logs j-1 --node 1 --all --region us-east-1", "--node=N, --all are mutually exclusive"),
                usage("logs j-1 --node x --region us-east-1", "Invalid value for option '--node': 'x' is not an int"),
                usage("logs j-1 --node -1 --region us-east-1", "--node -1: node indices start at 0"),
                usage("logs j-1 --follow=yes --region us-east-1", "--follow"),
                // cancel
                usage("cancel", "Missing required parameter: 'JOB'"),
                usage("cancel j-1 --reasn x --region us-east-1", "Unknown options: '--reasn'"),
                usage("cancel j-1 --endpoint-url http:// --region us-east-1", "--endpoint-url 'http://' is not an endpoint URL"),
                // list
                usage("list --region us-east-1", "--queue is required: pass it, set MPI_BATCH_QUEUE"),
                usage("list --queue q --status DONE --region us-east-1", "--status DONE: use SUBMITTED"),
                // configure
                usage("configure --region us-east-1", "Missing required option: '--stack=NAME'"),
                usage("configure --stack s --endpoint-url :9 --region us-east-1", "--endpoint-url ':9' is not an endpoint URL"));
    }

    private static Arguments usage(String commandLine, String fragment) {
        return Arguments.of(commandLine, fragment);
    }

    @ParameterizedTest(name = "mpi-batch {0}")
    @MethodSource("cases")
    void badOption_isAUsageErrorNamingIt_withoutAnyAwsRequest(String commandLine, String fragment) {
        Cli run = Cli.run(Cli.isolatedEnvironment(home), List.of(), commandLine.split(" "));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(fragment).contains("--help").doesNotContain("Exception");
        assertThat(RecordingInterceptor.requests()).as("AWS requests").isEmpty();
        assertThat(home.resolve("runtime")).as("a local run's directory").doesNotExist();
    }
}
