package dev.mpibatch.agent.mpi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.ssh.Broadcaster;
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
     * @param env         the whole environment of the steps' programs (the agent's plus the cluster's)
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
            LOG.info("step {}/{} broadcast: {}", number, total, String.join(" ", broadcast.paths()));
            return broadcast(broadcast);
        }
        List<String> command = command(step);
        LOG.info("step {}/{} {}: {}", number, total, step.type(), String.join(" ", command));
        OutputSink output = step instanceof Step.Mpi mpi ? driver.output(mpi, cluster, sink) : sink;
        return new ProcessRunner(workDir, spoolDir, env, output).run(command, stepTimeout);
    }

    /** The argv of a step that runs a program. */
    List<String> command(Step step) {
        if (step instanceof Step.Cc cc) {
            return driver.compile(cc.args());
        }
        if (step instanceof Step.Mpi mpi) {
            return driver.launch(mpi, cluster);
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
            if (!Files.isRegularFile(path)) {
                LOG.error("broadcast: {} does not exist on the main node (did an earlier step make it?)", path);
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
