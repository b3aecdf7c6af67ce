package dev.mpibatch.agent.mpi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.LogText;
import dev.mpibatch.agent.ssh.Broadcaster;
import dev.mpibatch.plan.JobEnvironment;
import dev.mpibatch.plan.Step;

/** Runs the plan's steps in order on the main node; the first failure stops the plan and gives its exit code. */
public final class StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);

    private final Path workDir;
    private final Path spoolDir;
    private final Map<String, String> env;
    private final MpiDriver driver;
    private final MpiCluster cluster;
    private final Broadcaster broadcaster;
    private final Duration stepTimeout;
    private final OutputSink sink;

    /**
     * @param spoolDir    a private directory for the running program's output (see {@link ProcessRunner})
     * @param env         the environment of every step's program before the step's own {@code env} (see
     *                    {@link StepEnvironment}); nothing else of the agent's environment reaches a program
     * @param broadcaster copies files to the other nodes; {@code null} when all nodes share one file system
     */
    public StepRunner(Path workDir, Path spoolDir, Map<String, String> env, MpiDriver driver, MpiCluster cluster,
                      Broadcaster broadcaster, Duration stepTimeout, OutputSink sink) {
        this.sink = sink;
        this.workDir = workDir;
        this.spoolDir = spoolDir;
        this.env = Map.copyOf(env);
        this.driver = driver;
        this.cluster = cluster;
        this.broadcaster = broadcaster;
        this.stepTimeout = stepTimeout;
    }

    /** Runs {@code steps}; returns 0, or the exit code of the first step that failed. */
    public int run(List<Step> steps) {
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            long start = System.nanoTime();
            int code = run(step, i + 1, steps.size());
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (code != 0) {
                LOG.error("step {}/{} ({}) failed with exit code {} after {} ms: stopping the plan", i + 1,
                        steps.size(), step.type(), code, millis);
                return code;
            }
            LOG.info("step {}/{} ({}) done in {} ms", i + 1, steps.size(), step.type(), millis);
        }
        return 0;
    }

    private int run(Step step, int number, int total) {
        if (step instanceof Step.Broadcast broadcast) {
            LOG.info("step {}/{} broadcast: {}", number, total, LogText.escapeAll(broadcast.paths()));
            return broadcast(broadcast);
        }
        Map<String, String> stepEnv = JobEnvironment.merge(env, step.env());
        List<String> command = command(step, stepEnv);
        LOG.info("step {}/{} {}: {}", number, total, step.type(), LogText.escapeAll(command));
        if (!step.env().isEmpty()) {
            // Names only: values may be secrets.
            LOG.info("step {}/{} env: {}", number, total, LogText.escapeAll(List.copyOf(step.env().keySet())));
        }
        OutputSink output = step instanceof Step.Mpi mpi ? driver.output(mpi, cluster, sink) : sink;
        return new ProcessRunner(workDir, spoolDir, stepEnv, output).run(command, stepTimeout);
    }

    /** The argv of a step that runs a program, with the job's environment. */
    List<String> command(Step step) {
        return command(step, JobEnvironment.merge(env, step.env()));
    }

    /** The argv of a step that runs a program whose whole environment is {@code stepEnv}. */
    private List<String> command(Step step, Map<String, String> stepEnv) {
        if (step instanceof Step.Cc cc) {
            return driver.compile(cc.args());
        }
        if (step instanceof Step.Mpi mpi) {
            return driver.launch(mpi, cluster, StepEnvironment.exported(stepEnv));
        }
        if (step instanceof Step.Sh sh) {
            return List.of("sh", "-c", sh.command());
        }
        throw new IllegalArgumentException("not a program step: " + step.type());
    }

    private int broadcast(Step.Broadcast step) {
        List<Path> paths = new ArrayList<>();
        for (String name : step.paths()) {
            Path path = workDir.resolve(name).normalize();
            if (Files.isDirectory(path)) {
                LOG.error("broadcast: {} is a directory, and broadcast copies files: list the files in it (e.g. {}/a, "
                        + "{}/b), or broadcast an archive of it", LogText.escape(path.toString()), LogText.escape(name),
                        LogText.escape(name));
                return 1;
            }
            if (!Files.isRegularFile(path)) {
                LOG.error("broadcast: {} does not exist on the main node (did an earlier step make it?)",
                        LogText.escape(path.toString()));
                return 1;
            }
            paths.add(path);
        }
        if (broadcaster == null) {
            LOG.info("broadcast: all nodes share this file system, nothing to copy");
            return 0;
        }
        try {
            broadcaster.send(paths);
            return 0;
        } catch (RuntimeException e) {
            LOG.error("{}", e.getMessage());
            return 1;
        }
    }

}
