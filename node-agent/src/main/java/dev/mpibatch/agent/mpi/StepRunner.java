package dev.mpibatch.agent.mpi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.LogText;
import dev.mpibatch.agent.ssh.Broadcaster;
import dev.mpibatch.plan.JobEnvironment;
import dev.mpibatch.plan.Step;

/**
 * Runs the plan's steps in order on the main node; the first failure stops the plan and gives its exit code.
 * While an {@code sh} step runs, its programs may ask for more steps ({@link StepRequests}): each runs here as the
 * plan's steps do (same commands, output, log lines and timeout), numbered after it ({@code 2.1}, {@code 2.2}), and
 * its exit code goes back to the program that asked, which decides what follows.
 */
public final class StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);
    /** How long a requested step waits for the output its caller printed before it to be passed on. */
    private static final Duration CATCH_UP = Duration.ofSeconds(1);

    private final Path workDir;
    private final Path spoolDir;
    private final Map<String, String> env;
    private final MpiDriver driver;
    private final MpiCluster cluster;
    private final Broadcaster broadcaster;
    private final Duration stepTimeout;
    private final OutputSink sink;
    private StepRequests requests;
    /** The plan step running now, when it runs a program. */
    private volatile ProcessRunner current;
    /** What the running plan step's environment got from {@link #requests}. */
    private volatile Map<String, String> requestEnv = Map.of();

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

    /** Takes steps from the programs of the plan's {@code sh} steps through {@code stepRequests}; call before {@link #run}. */
    public void acceptRequests(StepRequests stepRequests) {
        this.requests = stepRequests;
    }

    /** Runs {@code steps}; returns 0, or the exit code of the first step that failed. */
    public int run(List<Step> steps) {
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            long start = System.nanoTime();
            int code = runPlanStep(step, i + 1, steps.size());
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

    private int runPlanStep(Step step, int number, int total) {
        if (!(step instanceof Step.Sh) || requests == null) {
            return run(step, number + "/" + total, Map.of(), Cancellation.never(), true);
        }
        Map<String, String> extra = requests.open(number, this::runRequested);
        requestEnv = extra;
        try {
            return run(step, number + "/" + total, extra, Cancellation.never(), true);
        } finally {
            requests.end();
            requestEnv = Map.of();
        }
    }

    /**
     * Runs a step that a program of the running {@code sh} step asked for, as the plan's steps run; its failure is
     * the caller's to handle, so the plan goes on. Output the caller printed before asking comes first. A requested
     * {@code sh} step finds the way in too, and is told that one step runs at a time if it asks.
     */
    private int runRequested(Step step, String label, Cancellation cancellation) {
        ProcessRunner caller = current;
        if (caller != null) {
            caller.catchUp(CATCH_UP);
            // Each step has its own timeout, as if the job file listed it: the caller's runs while it does not wait.
            caller.pauseClock();
        }
        long start = System.nanoTime();
        int code;
        try {
            code = run(step, label, step instanceof Step.Sh ? requestEnv : Map.of(), cancellation, false);
        } finally {
            if (caller != null) {
                caller.resumeClock();
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (cancellation.reason().isPresent()) {
            LOG.warn("step {} ({}) stopped after {} ms: {}", label, step.type(), millis, cancellation.reason().get());
        } else if (code != 0) {
            LOG.error("step {} ({}) failed with exit code {} after {} ms", label, step.type(), code, millis);
        } else {
            LOG.info("step {} ({}) done in {} ms", label, step.type(), millis);
        }
        return code;
    }

    private int run(Step step, String label, Map<String, String> extraEnv, Cancellation cancellation, boolean planStep) {
        if (step instanceof Step.Broadcast broadcast) {
            LOG.info("step {} broadcast: {}", label, LogText.escapeAll(broadcast.paths()));
            return broadcast(broadcast);
        }
        Map<String, String> stepEnv = JobEnvironment.merge(env, step.env());
        if (!extraEnv.isEmpty()) {
            stepEnv = new HashMap<>(stepEnv);
            stepEnv.putAll(extraEnv);
        }
        List<String> command = command(step, stepEnv);
        LOG.info("step {} {}: {}", label, step.type(), LogText.escapeAll(command));
        if (!step.env().isEmpty()) {
            // Names only: values may be secrets.
            LOG.info("step {} env: {}", label, LogText.escapeAll(List.copyOf(step.env().keySet())));
        }
        OutputSink output = step instanceof Step.Mpi mpi ? driver.output(mpi, cluster, sink) : sink;
        ProcessRunner runner = new ProcessRunner(workDir, spoolDir, stepEnv, output);
        if (planStep) {
            current = runner;
        }
        try {
            return runner.run(command, stepTimeout, cancellation);
        } finally {
            if (planStep) {
                current = null;
            }
        }
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
