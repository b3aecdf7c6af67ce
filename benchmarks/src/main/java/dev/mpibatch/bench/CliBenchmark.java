package dev.mpibatch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 5 part 5: {@code mpi-batch submit} (no --wait) against moto beside the AWS CLI's {@code aws batch submit-job}
 * with the same queue and job definition, and {@code mpi-batch --version}; runs interleaved so both see the same noise.
 */
public final class CliBenchmark implements Benchmark {
    private static final String STACK = "mpi";

    @Override
    public String name() {
        return "cli";
    }

    @Override
    public BenchResult run(BenchOptions options) throws Exception {
        Path root = options.repoRoot();
        Path home = Files.createDirectories(options.workDir().resolve("home"));
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
                "AWS_REGION", "us-east-1", "AWS_DEFAULT_REGION", "us-east-1", "HOME", home.toString());
        int runs = options.quick() ? 3 : Math.max(10, options.runs());
        try (Moto moto = Moto.start(options.workDir().resolve("moto.log"))) {
            String endpoint = moto.endpoint();
            Setup setup = setUp(root, env, endpoint, options.workDir());
            Map<String, List<String>> commands = new LinkedHashMap<>();
            commands.put("mpi-batch submit", List.of(root.resolve("bin/mpi-batch").toString(), "submit",
                    "examples/c-hello/job.yaml", "--image", "mpi-batch:latest", "--endpoint-url", endpoint));
            commands.put("aws batch submit-job", List.of("aws", "--endpoint-url", endpoint, "batch", "submit-job",
                    "--job-name", "c-hello", "--job-queue", setup.queue(), "--job-definition", setup.definition(),
                    "--node-overrides", "numNodes=3"));
            commands.put("mpi-batch --version", List.of(root.resolve("bin/mpi-batch").toString(), "--version"));
            commands.put("mpi-batch submit, no CDS archive", List.of("java", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-Xshare:auto", "-jar", root.resolve("launcher-cli/target/mpi-batch.jar").toString(),
                    "submit", "examples/c-hello/job.yaml", "--image", "mpi-batch:latest", "--endpoint-url", endpoint));
            Map<String, List<Double>> times = new LinkedHashMap<>();
            Map<String, List<Double>> rssMib = new LinkedHashMap<>();
            Map<String, List<Double>> cpuMillis = new LinkedHashMap<>();
            commands.keySet().forEach(k -> {
                times.put(k, new ArrayList<>());
                rssMib.put(k, new ArrayList<>());
                cpuMillis.put(k, new ArrayList<>());
            });
            Path usage = options.workDir().resolve("usage.txt");
            for (int i = 0; i < runs; i++) {
                for (var command : commands.entrySet()) {
                    // GNU time reports the kernel's accounting of the process it waited for (bin/mpi-batch execs java).
                    List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M %U %S", "-o",
                            usage.toString()));
                    timed.addAll(command.getValue());
                    Proc proc = Proc.run(timed, env, root, Moto.timeout()).checked(command.getKey());
                    times.get(command.getKey()).add(proc.millis());
                    String[] figures = Files.readString(usage).strip().split("\\s+");
                    rssMib.get(command.getKey()).add(Double.parseDouble(figures[0]) / 1024);
                    cpuMillis.get(command.getKey()).add(
                            (Double.parseDouble(figures[1]) + Double.parseDouble(figures[2])) * 1000);
                }
            }
            return report(times, rssMib, cpuMillis, runs);
        }
    }

    private record Setup(String queue, String definition) {
    }

    /** The README's moto walkthrough: the infra template deployed in moto, then 'mpi-batch configure' and a submit. */
    private static Setup setUp(Path root, Map<String, String> env, String endpoint, Path work) throws Exception {
        String vpc = aws(root, env, endpoint, "ec2", "describe-vpcs", "--query", "Vpcs[0].VpcId", "--output", "text");
        String subnet = aws(root, env, endpoint, "ec2", "describe-subnets", "--query", "Subnets[0].SubnetId",
                "--output", "text");
        aws(root, env, endpoint, "cloudformation", "create-stack", "--stack-name", STACK, "--template-body",
                "file://" + root.resolve("infra/mpi-batch.yaml"), "--capabilities", "CAPABILITY_IAM", "--parameters",
                "ParameterKey=VpcId,ParameterValue=" + vpc, "ParameterKey=SubnetId,ParameterValue=" + subnet);
        Proc.run(List.of(root.resolve("bin/mpi-batch").toString(), "configure", "--stack", STACK, "--endpoint-url",
                endpoint), env, root, Moto.timeout()).checked("mpi-batch configure");
        // The first submit registers the job definition (and builds the jar and its CDS archive if needed).
        Proc.run(List.of(root.resolve("bin/mpi-batch").toString(), "submit", "examples/c-hello/job.yaml", "--image",
                "mpi-batch:latest", "--endpoint-url", endpoint), env, root, Moto.timeout()).checked("the first submit");
        String queue = aws(root, env, endpoint, "batch", "describe-job-queues", "--query", "jobQueues[0].jobQueueArn",
                "--output", "text");
        String definition = aws(root, env, endpoint, "batch", "describe-job-definitions", "--job-definition-name",
                "mpi-batch-c-hello", "--status", "ACTIVE", "--query", "jobDefinitions[0].jobDefinitionArn", "--output", "text");
        return new Setup(queue, definition);
    }

    private static String aws(Path root, Map<String, String> env, String endpoint, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", endpoint));
        command.addAll(List.of(args));
        return Proc.run(command, env, root, Moto.timeout()).checked("aws " + args[0] + " " + args[1]).output().strip();
    }

    private static BenchResult report(Map<String, List<Double>> times, Map<String, List<Double>> rssMib,
                                      Map<String, List<Double>> cpuMillis, int runs) {
        Table table = Table.of(List.of("command", "median ms", "min ms", "max ms", "vs aws batch submit-job",
                "CPU ms (user+sys, median)", "CPU vs aws", "peak RSS MiB (median)"));
        double aws = Stats.median(times.get("aws batch submit-job"));
        double awsCpu = Stats.median(cpuMillis.get("aws batch submit-job"));
        for (var entry : times.entrySet()) {
            double median = Stats.median(entry.getValue());
            double cpu = Stats.median(cpuMillis.get(entry.getKey()));
            table = table.row(entry.getKey(), Stats.fixed(median, 0), Stats.fixed(Stats.min(entry.getValue()), 0),
                    Stats.fixed(Stats.max(entry.getValue()), 0), Stats.fixed(Stats.ratio(median, aws), 2) + "x",
                    Stats.fixed(cpu, 0), Stats.fixed(Stats.ratio(cpu, awsCpu), 2) + "x",
                    Stats.fixed(Stats.median(rssMib.get(entry.getKey())), 1));
        }
        double submit = Stats.median(times.get("mpi-batch submit"));
        double noCds = Stats.median(times.get("mpi-batch submit, no CDS archive"));
        return BenchResult.builder("cli", "CLI start-up: submit against moto beside the AWS CLI")
                .method("""
                        moto_server (no-Docker Batch) on loopback with the infra template deployed and `mpi-batch configure`
                        run, as in the README. Each round runs, one after the other: `bin/mpi-batch submit
                        examples/c-hello/job.yaml` (no --wait: checks the queue, reuses the registered job definition,
                        uploads the plan and hello.c, submits), `aws batch submit-job` with the same queue and job definition
                        (one request), `bin/mpi-batch --version`, and the same submit with plain `java -jar` and no
                        class-data-sharing archive. %d rounds; wall time of the whole process, medians; CPU time and
                        peak resident memory of each process as the kernel accounts them (GNU time's %%U, %%S, %%M).
                        mpi-batch makes four to five requests where the AWS CLI makes one.""".formatted(runs))
                .table(table)
                .target("mpi-batch submit vs aws batch submit-job (median wall time)", "<= 1.00x",
                        Stats.fixed(Stats.ratio(submit, aws), 2) + "x (" + Stats.fixed(submit, 0) + " vs "
                                + Stats.fixed(aws, 0) + " ms)", submit <= aws)
                .note("The class-data-sharing archive (recorded once per build by `bin/mpi-batch`) makes submit "
                        + Stats.fixed(Stats.ratio(noCds, submit), 2) + "x faster than the same jar without it.")
                .target("mpi-batch submit's peak memory", "reported",
                        Stats.fixed(Stats.median(rssMib.get("mpi-batch submit")), 1) + " MiB (aws: "
                                + Stats.fixed(Stats.median(rssMib.get("aws batch submit-job")), 1) + " MiB)", true)
                .data("millis", times)
                .data("peakRssMib", rssMib)
                .data("cpuMillis", cpuMillis)
                .data("rounds", runs)
                .build();
    }
}
