package dev.mpibatch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mpibatch.agent.rendezvous.RendezvousStore;
import dev.mpibatch.agent.rendezvous.RendezvousStores;
import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.JobSpecValidator;
import dev.mpibatch.plan.PlanCodec;
import dev.mpibatch.plan.PlanParser;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runs a job on N local "hosts" with the very agent that runs on AWS Batch: network namespaces as root, loopback
 * addresses otherwise. Everything it makes is removed at the end, on failure and on Ctrl-C.
 *
 * <pre>{@code
 * int exit = new LocalCluster(options).run();
 * }</pre>
 */
public final class LocalCluster {
    private static final long WORKER_EXIT_MILLIS = 15_000;

    /** The caller's options until the run has chosen its subnet, then the same with that subnet. */
    private LocalClusterOptions options;

    public LocalCluster(LocalClusterOptions options) {
        this.options = options;
    }

    /**
     * Runs the job and returns the main node's exit code.
     *
     * @throws dev.mpibatch.plan.PlanException   when the job file is invalid (nothing was created)
     * @throws IllegalArgumentException          when an option or a tool is wrong or missing (nothing was created)
     */
    public int run() {
        JobSpec spec = PlanParser.parse(options.jobFile());
        if (options.nodes().isPresent()) {
            spec = spec.withNodes(options.nodes().getAsInt());
        }
        if (options.slotsPerNode().isPresent()) {
            spec = spec.withSlotsPerNode(options.slotsPerNode().getAsInt());
        }
        if (options.mpi().isPresent()) {
            spec = spec.withMpi(options.mpi().get());
        }
        spec = spec.withEnv(options.jobEnv());
        JobSpecValidator.checkFiles(spec, options.jobFile().toAbsolutePath().getParent());
        boolean containers = options.image().isPresent();
        boolean namespaces = !containers && !options.loopback() && dev.mpibatch.agent.Users.isRoot();
        if (containers) {
            Preflight.checkContainers(options, spec);
        } else {
            Preflight.check(options, spec, namespaces);
        }
        String id = HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(3));
        // Under /run/mpi-batch as root (containers mount from there too), else in the user's own directories.
        LocalLayout layout = claim(id, spec, namespaces, namespaces || (containers && dev.mpibatch.agent.Users.isRoot()));
        ClusterResources resources = new ClusterResources(layout, options.keep(), options.err());
        Thread hook = new Thread(resources::close, "mpi-batch-local-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return containers ? runInContainers(spec, id, layout, resources) : run(spec, id, layout, namespaces, resources);
        } finally {
            resources.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook does the same
            }
        }
    }

    /**
     * Under the machine's {@link RunLock}: removes what killed runs left, chooses a subnet no interface, route or
     * live run uses (the one asked for, or else the first free one), and records this run as its owner, so that
     * two runs starting at once never share a subnet.
     */
    private LocalLayout claim(String id, JobSpec spec, boolean namespaces, boolean underRun) {
        Path base = LocalLayout.base(underRun, options.environment());
        try (RunLock lock = RunLock.acquire(base)) {
            List<RunOwner> live = LocalCleanup.collect(base, namespaces, options.err());
            Optional<String> subnet = Optional.empty();
            if (namespaces) {
                SubnetsInUse inUse = SubnetsInUse.now(live);
                Subnet chosen = LocalClusterOptions.AUTO_SUBNET.equals(options.subnet())
                        ? inUse.pickFree(spec.nodes()) : inUse.requireFree(options.subnet(), spec.nodes());
                options = options.withSubnet(chosen.cidr());
                subnet = Optional.of(chosen.cidr());
            }
            LocalLayout layout = LocalLayout.create(id, underRun, options.environment());
            RunOwner.write(id, layout.root(), subnet, options.keep());
            return layout;
        }
    }

    private int run(JobSpec spec, String id, LocalLayout layout, boolean namespaces, ClusterResources resources) {
        String jobId = "local-" + id;
        if (!namespaces) {
            options.err().println("mpi-batch local: not running as root (or --loopback): hosts are loopback addresses "
                    + "with their own sshd ports, sharing this machine's file system and network (no isolation)");
        }
        List<Host> hosts = layout.hosts(spec, namespaces, options, resources);
        JobSpec plan = spec.withWorkingDir(layout.workDir().toString());
        stageFiles(spec, hosts, layout, namespaces);
        Path planFile = layout.root().resolve("plan.json");
        write(planFile, PlanCodec.toJson(plan));
        String rendezvous = options.rendezvous().orElse(layout.root().resolve("rendezvous").toString());
        AgentLauncher launcher = new AgentLauncher(options, layout, planFile, rendezvous, jobId, hosts, namespaces);
        launcher.installAgent();
        options.err().println("mpi-batch local: job " + spec.name() + " (" + jobId + ") on " + hosts.size()
                + (namespaces ? " namespace hosts in " + options.subnet() : " loopback hosts"));
        return runAgents(launcher, hosts, rendezvous, jobId, resources);
    }

    /** The job on one container per host, as AWS Batch runs it (see {@link ContainerLauncher}). */
    private int runInContainers(JobSpec spec, String id, LocalLayout layout, ClusterResources resources) {
        String jobId = "local-" + id;
        ContainerLauncher launcher = ContainerLauncher.create(options, spec, layout, id, resources);
        options.err().println("mpi-batch local: job " + spec.name() + " (" + jobId + ") on " + spec.nodes()
                + " containers of " + options.image().orElseThrow().name() + " on podman network " + launcher.network());
        return runAgents(launcher, launcher.hosts(), launcher.rendezvous(), jobId, resources);
    }

    /** Starts the main node, then the others; returns the main node's exit code once the workers ended too. */
    private int runAgents(NodeStarter launcher, List<Host> hosts, String rendezvous, String jobId,
                          ClusterResources resources) {
        AtomicInteger up = new AtomicInteger();
        // Closed by the clean-up, never here: on Ctrl-C or SIGTERM this thread leaves run() as soon as the agents
        // die, while the shutdown hook still needs the store (its S3 client) to delete the rendezvous objects.
        RendezvousStore store = openStore(rendezvous, jobId);
        resources.onClose(() -> deleteAndClose(store));
        FormationProgress progress = new FormationProgress(store, hosts.size(), up::get, options.err(),
                System.console() != null && options.err() == System.err);
        Thread progressThread = new Thread(progress, "formation-progress");
        progressThread.setDaemon(true);
        List<Process> agents = new ArrayList<>();
        for (Host host : hosts) {
            if (options.neverStart().contains(host.index())) {
                options.err().println("mpi-batch local: node " + host.index() + " never starts (--never-start)");
                continue;
            }
            Process agent = launcher.start(host, progress::endLine);
            resources.add(agent);
            agents.add(agent);
            up.incrementAndGet();
            if (host.index() == 0) {
                progressThread.start();
            }
        }
        Process main = agents.get(0);
        int exit = waitFor(main);
        progress.stop();
        progress.endLine();
        awaitWorkers(agents.subList(1, agents.size()));
        launcher.drainOutput();
        options.err().println("mpi-batch local: main node exited with " + exit);
        return exit;
    }

    /**
     * The safety net behind the main node, which deletes the rendezvous itself when it ends normally: after an
     * interruption nobody else will. A failure is said, not swallowed: objects left in a bucket cost money and hold
     * the cluster's addresses and public keys.
     */
    private void deleteAndClose(RendezvousStore store) {
        try {
            if (!options.keep()) {
                store.deleteAll();
            }
        } catch (RuntimeException e) {
            options.err().println("mpi-batch local: could not delete the rendezvous objects at " + store.describe()
                    + ": " + e.getMessage() + "; delete them yourself (e.g. aws s3 rm --recursive " + store.describe()
                    + ") or let the bucket's lifecycle rule expire them");
        } finally {
            store.close();
        }
    }

    /** The launcher's own view of the rendezvous, for progress and clean-up, with the credentials it was given. */
    private RendezvousStore openStore(String rendezvous, String jobId) {
        if (!RendezvousStores.isS3(rendezvous)) {
            return RendezvousStores.open(rendezvous, options.endpointUrl(), jobId, 1);
        }
        S3Client client = RendezvousStores.s3Client(options.endpointUrl(), options.environment());
        return RendezvousStores.open(rendezvous, client, true, jobId, 1);
    }

    private void stageFiles(JobSpec spec, List<Host> hosts, LocalLayout layout, boolean namespaces) {
        Path base = options.jobFile().toAbsolutePath().getParent();
        List<Path> workDirs = namespaces
                ? hosts.stream().map(h -> h.privateDir().resolve("work")).toList()
                : List.of(layout.workDir());
        for (String file : spec.files()) {
            for (Path workDir : workDirs) {
                Path target = workDir.resolve(file);
                try {
                    Files.createDirectories(target.getParent());
                    Files.copy(base.resolve(file), target, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot stage " + file + " into " + workDir + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static int waitFor(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Workers exit by themselves once they see the main node's result; past a bound they are stopped. */
    private static void awaitWorkers(List<Process> workers) {
        long deadline = System.currentTimeMillis() + WORKER_EXIT_MILLIS;
        for (Process worker : workers) {
            try {
                long left = Math.max(0, deadline - System.currentTimeMillis());
                worker.waitFor(left, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
