package dev.mpibatch.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.control.ControlServer;
import dev.mpibatch.agent.liveness.BeaconCredentials;
import dev.mpibatch.agent.liveness.BeaconPeers;
import dev.mpibatch.agent.liveness.BeaconWatch;
import dev.mpibatch.agent.liveness.MainBeacon;
import dev.mpibatch.agent.mpi.MpiCluster;
import dev.mpibatch.agent.mpi.MpiDriver;
import dev.mpibatch.agent.mpi.MpiDrivers;
import dev.mpibatch.agent.mpi.OutputSink;
import dev.mpibatch.agent.mpi.SharedCores;
import dev.mpibatch.agent.mpi.StepEnvironment;
import dev.mpibatch.agent.mpi.StepRunner;
import dev.mpibatch.agent.net.AddressFinder;
import dev.mpibatch.agent.net.ClusterAddress;
import dev.mpibatch.agent.rendezvous.BundleDoorbell;
import dev.mpibatch.agent.rendezvous.DoneRecord;
import dev.mpibatch.agent.rendezvous.NodeBundle;
import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Polling;
import dev.mpibatch.agent.rendezvous.Rendezvous;
import dev.mpibatch.agent.rendezvous.RendezvousStore;
import dev.mpibatch.agent.rendezvous.RendezvousStores;
import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.agent.rendezvous.Sleeper;
import dev.mpibatch.agent.ssh.BroadcastRelay;
import dev.mpibatch.agent.ssh.Broadcaster;
import dev.mpibatch.agent.ssh.ClusterAuthority;
import dev.mpibatch.agent.ssh.ClusterConnections;
import dev.mpibatch.agent.ssh.ClusterFiles;
import dev.mpibatch.agent.ssh.NodeSignatures;
import dev.mpibatch.agent.ssh.SshKeyPair;
import dev.mpibatch.agent.ssh.SshKeys;
import dev.mpibatch.agent.ssh.SshdProcess;
import dev.mpibatch.agent.ssh.SshdSettings;
import dev.mpibatch.plan.DurationText;
import dev.mpibatch.plan.JobSpec;

/**
 * One node of an MPI cluster: makes its keys, joins the rendezvous, installs the certificates the main node signed
 * for it, starts its sshd, and then either runs the plan (main node) or serves until the main node is done (workers).
 */
public final class NodeAgent {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    private static final Duration SSHD_START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration WORKER_EXIT_WAIT = Duration.ofSeconds(30);
    private static final Duration FORMATION_FAILURE_NOTICE = Duration.ofSeconds(5);
    private static final Duration WORKER_FORMATION_MARGIN = Duration.ofSeconds(10);
    /**
     * After a failed formation, each of the main node's closing steps (publishing done.json, deleting the
     * rendezvous objects) may take this long: S3 may be the reason formation failed.
     */
    private static final Duration CLOSING_AFTER_FAILED_FORMATION = Duration.ofSeconds(10);
    /** The exit code of a process ended by SIGTERM (128 + 15), what the main node reports when it is stopped. */
    private static final int STOPPED_EXIT = 143;
    /** Certificate validity when no step has a time limit. */
    private static final Duration UNBOUNDED_JOB = Duration.ofDays(30);

    private final AgentSettings settings;
    private final JobSpec spec;
    private final Clock clock;
    private final Sleeper sleeper;
    private final String version;
    private final Map<String, String> baseEnvironment;

    /**
     * @param baseEnvironment the environment the agent was started with, passed on to the plan's programs
     */
    public NodeAgent(AgentSettings settings, JobSpec spec, Map<String, String> baseEnvironment, Clock clock,
                     Sleeper sleeper, String version) {
        this.settings = settings;
        this.baseEnvironment = Map.copyOf(baseEnvironment);
        this.spec = spec;
        this.clock = clock;
        this.sleeper = sleeper;
        this.version = version;
    }

    /** Runs this node to the end and returns its exit code. */
    public int run() {
        NodeEnvironment node = settings.node();
        Path stateDir = privateDirectory(settings.stateDir());
        Path workDir = Path.of(spec.workingDir());
        createDirectories(workDir);
        settings.files().ifPresent(location -> StagedFiles.fetch(location, spec.files(), workDir,
                () -> RendezvousStores.s3TransferClient(settings.s3Endpoint(), baseEnvironment)));
        ClusterAddress address = settings.address().map(AddressFinder::forAddress)
                .orElseGet(() -> AddressFinder.find(settings.subnet()));
        String hostname = Hostname.current();
        LOG.info("node {} of {} ({}) at {} port {}, {}", node.index(), node.numNodes(),
                node.isMain() ? "main" : "worker", address.address(), settings.sshPort(), hostname);

        BroadcastRelay.install(stateDir);
        SshKeyPair userKey = SshKeys.generate(stateDir, "id_ed25519", "mpi-batch-user-node" + node.index());
        SshKeyPair hostKey = SshKeys.generate(stateDir, "ssh_host_ed25519_key", "mpi-batch-host-node" + node.index());
        try (RendezvousStore store = RendezvousStores.open(settings.rendezvous(), settings.s3Endpoint(),
                node.jobId(), node.attempt());
             BundleDoorbell doorbell = node.isMain() ? null : doorbell(address.address())) {
            Rendezvous rendezvous = new Rendezvous(store, node, clock, sleeper, Polling.defaults(), new Random());
            NodeRecord self = new NodeRecord(node.jobId(), node.attempt(), node.index(), address.address(),
                    settings.sshPort(), slots(), hostname, userKey.publicKeyLine(), hostKey.publicKeyLine(), version,
                    Runtime.getRuntime().availableProcessors(), MachineId.of(MachineId.BOOT_ID),
                    doorbell == null ? 0 : doorbell.port());
            Keys keys = new Keys(stateDir, self, userKey, hostKey);
            return node.isMain()
                    ? new MainNode(rendezvous, store).run(keys, workDir, address)
                    : runWorker(rendezvous, keys, doorbell);
        }
    }

    /** This node's record and key pairs, and where its files go. */
    private record Keys(Path stateDir, NodeRecord self, SshKeyPair userKey, SshKeyPair hostKey) {
        ClusterFiles install(NodeBundle bundle) {
            return ClusterFiles.install(stateDir, bundle, self, userKey, hostKey);
        }
    }

    /** Starts sshd once the node has its certificates: it presents its host certificate from the first connection. */
    private SshdProcess startSshd(Keys keys, ClusterFiles files) {
        SshdSettings sshdSettings = new SshdSettings(keys.stateDir(), keys.self().address(), settings.sshPort(),
                keys.hostKey().privateKey(), ClusterFiles.certificateOf(keys.hostKey().privateKey()),
                files.trustedUserCaKeys(), keys.stateDir().resolve("sshd.pid"), Users.isRoot());
        SshdProcess sshd = SshdProcess.start(sshdSettings, keys.stateDir().resolve("sshd_config"), SSHD_START_TIMEOUT);
        // On SIGTERM (Batch stopping the job, Ctrl-C on a local cluster) the JVM skips try-with-resources:
        // stop sshd from a hook so no server outlives its agent.
        Runtime.getRuntime().addShutdownHook(new Thread(sshd::close, "stop-sshd"));
        return sshd;
    }

    /** The worker's doorbell for the main node's notice; without one (no port to be had) it polls. */
    private static BundleDoorbell doorbell(String address) {
        try {
            return BundleDoorbell.open(address);
        } catch (RuntimeException e) {
            LOG.warn("{}: looking for the certificates by polling instead", e.getMessage());
            return null;
        }
    }

    private int runWorker(Rendezvous rendezvous, Keys keys, BundleDoorbell doorbell) {
        // The main node judges formation; a worker waits a little longer so that it hears the verdict (done.json)
        // instead of timing out at the same moment with a vaguer message.
        Duration formation = formationTimeout().plus(WORKER_FORMATION_MARGIN);
        rendezvous.boundCalls(clock.instant().plus(formation));
        rendezvous.register(keys.self());
        NodeBundle bundle = rendezvous.awaitBundle(formation, doorbell);
        if (doorbell != null) {
            doorbell.close();
        }
        ClusterFiles files = keys.install(bundle);
        try (SshdProcess sshd = startSshd(keys, files);
             BeaconWatch main = BeaconWatch.connect(bundle.mainAddress(), bundle.beaconPort(),
                     BeaconWatch.READ_TIMEOUT, beaconCredentials(bundle, keys))) {
            // Connected before acknowledging: once the cluster is formed, the main node counts every worker.
            rendezvous.acknowledge();
            rendezvous.boundCalls(null);
            LOG.info("ready: certificates installed, serving until the main node is done");
            // From here the worker only serves sshd and waits: give the start-up's garbage (keys, parsing, clients)
            // back to the workload sharing this node (the entrypoint's heap options shrink the heap on a full GC).
            System.gc();
            Optional<DoneRecord> done = rendezvous.awaitDone(main, spec.timeouts().mainLease());
            sshd.close();
            ClusterConnections.closeRelayConnections(keys.stateDir());
            main.close(); // tells the main node this worker has left
            if (done.isPresent()) {
                LOG.info("main node finished with exit code {} ({}): exiting", done.get().exitCode(), done.get().reason());
            } else {
                LOG.warn("main node {} gone for longer than {} without a result: exiting", bundle.mainAddress(),
                        DurationText.format(spec.timeouts().mainLease()));
            }
        }
        return AgentExit.OK;
    }

    /** The worker proves itself to the main node's beacon with its host key, which the main node has from the roster. */
    private static BeaconCredentials beaconCredentials(NodeBundle bundle, Keys keys) {
        return new BeaconCredentials(bundle.jobId(), bundle.attempt(), bundle.index(), keys.self().address(),
                data -> NodeSignatures.sign(keys.hostKey().privateKey(), data));
    }

    /** The main node's part: gather the cluster, run the plan, tell the workers, clean up. */
    private final class MainNode {
        private final Rendezvous rendezvous;
        private final RendezvousStore store;
        /** Set once the node's end has begun: by the plan's end ({@link #finish}), or by SIGTERM. */
        private final java.util.concurrent.atomic.AtomicBoolean ending = new java.util.concurrent.atomic.AtomicBoolean();

        MainNode(Rendezvous rendezvous, RendezvousStore store) {
            this.rendezvous = rendezvous;
            this.store = store;
        }

        int run(Keys keys, Path workDir, ClusterAddress address) {
            Thread onStop = new Thread(this::stopped, "main-node-stopped");
            Runtime.getRuntime().addShutdownHook(onStop);
            try {
                return runPlan(keys, workDir, address);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(onStop);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook runs (and finds the end already done)
                }
            }
        }

        /**
         * SIGTERM before the plan ended (TerminateJob, a Batch job's end, the container stopped): the JVM runs only
         * its hooks, so with an S3 rendezvous the end happens here, bounded: workers are told (done.json) and the
         * objects are deleted instead of staying until the bucket's lifecycle rule expires them. (A local cluster's
         * rendezvous directory is removed by {@code mpi-batch local} itself.)
         */
        private void stopped() {
            if (!settings.rendezvous().startsWith("s3://") || !ending.compareAndSet(false, true)) {
                return;
            }
            LOG.warn("stopped (SIGTERM) before the plan ended: telling the workers and cleaning up");
            rendezvous.boundCalls(clock.instant().plus(CLOSING_AFTER_FAILED_FORMATION));
            try {
                rendezvous.publishDone(new DoneRecord(STOPPED_EXIT, "the main node was stopped (SIGTERM)"));
                if (!settings.keepRendezvous()) {
                    rendezvous.cleanUp();
                }
            } catch (RuntimeException e) {
                LOG.warn("could not clean up the rendezvous objects at {}: {}", store.describe(), e.getMessage());
            }
        }

        private int runPlan(Keys keys, Path workDir, ClusterAddress address) {
            Instant start = clock.instant();
            SshdProcess sshd = null;
            MainBeacon beacon = null;
            ClusterConnections connections = null;
            // Until every node acknowledged its certificates, any failure is a formation failure (exit 3).
            boolean formed = false;
            int exitCode;
            String reason;
            try {
                Duration formation = formationTimeout();
                rendezvous.boundCalls(start.plus(formation));
                rendezvous.register(keys.self());
                Roster roster = rendezvous.gatherRoster(formation);
                ClusterAuthority authority = new ClusterAuthority(roster, Users.name(), clock.instant(),
                        certificateValidity());
                int mainIndex = settings.node().index();
                beacon = MainBeacon.start(address.address(), 0, MainBeacon.HEARTBEAT, BeaconPeers.of(roster, mainIndex));
                int beaconPort = beacon.port();
                ClusterFiles files = keys.install(rendezvous.publishBundles(
                        i -> authority.bundleFor(i, mainIndex, beaconPort), i -> ring(roster.nodes().get(i), address)));
                sshd = startSshd(keys, files);
                rendezvous.acknowledge();
                rendezvous.awaitReady(remaining(formation, start));
                formed = true;
                rendezvous.boundCalls(null);
                // Opened while the first step runs; every later ssh to a node goes over them.
                connections = ClusterConnections.open(roster, keys.self().index(), keys.stateDir());
                LOG.info("cluster formed: {} nodes, {} slots, in {} ms", roster.nodes().size(),
                        roster.nodes().stream().mapToInt(NodeRecord::slots).sum(),
                        Duration.between(start, clock.instant()).toMillis());
                MpiDriver driver = MpiDrivers.select(spec.mpi(), baseEnvironment);
                MpiCluster cluster = new MpiCluster(roster, files, subnet(address), address.interfaceName(),
                        Users.isRoot(), settings.sharedFileSystem());
                files.writeHostfile(driver.hostfile(cluster));
                LOG.info("MPI: {}", driver.description());
                // The job's values win over every MPI setting, the yield settings included (and the log shows them).
                Map<String, String> mpiEnv = new HashMap<>(driver.environment(cluster));
                mpiEnv.putAll(spec.env());
                yieldOnSharedCores(roster, driver, mpiEnv);
                StepEnvironment env = StepEnvironment.of(Users.withLogin(baseEnvironment), mpiEnv, spec.env());
                LOG.info("environment of the steps: the job's {} plus {} of this node's ({})",
                        LogText.escapeAll(List.copyOf(spec.env().keySet())), StepEnvironment.FROM_NODE.size(),
                        String.join(", ", StepEnvironment.FROM_NODE));
                Broadcaster broadcaster = settings.sharedFileSystem() ? null : new Broadcaster(roster,
                        keys.self().index(), keys.stateDir(), connections, settings.broadcastTreeMax());
                StepRunner steps = new StepRunner(workDir, keys.stateDir().resolve("output"), env.job(), driver, cluster,
                        broadcaster, spec.timeouts().step(), OutputSink.console());
                int stepCode = ControlServer.runPlan(steps, spec, keys.stateDir(), keys.self().hostname());
                exitCode = AgentExit.ofStep(stepCode);
                reason = stepCode == 0 ? "plan finished" : "plan failed with exit code " + stepCode
                        + (exitCode == stepCode ? "" : ", reported as " + exitCode);
                if (exitCode != stepCode) {
                    LOG.warn("the step's exit code {} is reported as {}: 2, 3 and 4 mean bad input, no cluster and an "
                            + "internal error", stepCode, exitCode);
                }
            } catch (RuntimeException e) {
                exitCode = formed ? AgentExit.FAILED : AgentExit.FORMATION_FAILED;
                reason = e.getMessage();
                LOG.error("{}", reason);
                LOG.debug("failure", e);
            }
            if (connections != null) {
                connections.close();
            }
            finish(new DoneRecord(exitCode, reason), sshd, beacon, formed);
            return exitCode;
        }

        /** Tells a worker its bundle is written: it reads it at once instead of at its next look. */
        private static void ring(NodeRecord worker, ClusterAddress from) {
            if (worker.notifyPort() != 0) {
                BundleDoorbell.ring(from.address(), worker.address(), worker.notifyPort());
            }
        }

        private void finish(DoneRecord done, SshdProcess sshd, MainBeacon beacon, boolean formed) {
            if (!ending.compareAndSet(false, true)) {
                return; // stopped meanwhile: the shutdown hook ended the job
            }
            if (!formed) {
                rendezvous.boundCalls(clock.instant().plus(CLOSING_AFTER_FAILED_FORMATION));
            }
            try {
                rendezvous.publishDone(done);
            } catch (RuntimeException e) {
                LOG.warn("could not publish the result to {}: {}", store.describe(), e.getMessage());
            }
            if (sshd != null) {
                sshd.close();
            }
            // Releasing the beacon tells workers at once that we are done; then give them time to see done.json
            // before the rendezvous objects disappear.
            if (beacon != null) {
                try (beacon) {
                    awaitWorkersGone(beacon);
                }
            } else if (settings.node().numNodes() > 1) {
                // Workers waiting for a roster look for done.json every few seconds: let them read why we gave up.
                pause(FORMATION_FAILURE_NOTICE);
            }
            if (settings.keepRendezvous()) {
                LOG.info("keeping the rendezvous objects at {}", store.describe());
            } else {
                if (!formed) {
                    rendezvous.boundCalls(clock.instant().plus(CLOSING_AFTER_FAILED_FORMATION));
                }
                try {
                    rendezvous.cleanUp();
                } catch (RuntimeException e) {
                    LOG.warn("could not delete the rendezvous objects at {}: {}", store.describe(), e.getMessage());
                }
            }
        }

        /** Workers close their beacon connection as they exit, after reading done.json. */
        private void awaitWorkersGone(MainBeacon beacon) {
            Instant deadline = clock.instant().plus(WORKER_EXIT_WAIT);
            beacon.release();
            while (beacon.connections() > 0) {
                if (clock.instant().isAfter(deadline)) {
                    LOG.warn("{} workers still connected after {}; cleaning up anyway", beacon.connections(),
                            DurationText.format(WORKER_EXIT_WAIT));
                    return;
                }
                pause(Duration.ofMillis(200));
            }
        }
    }

    /**
     * Tells MPI to yield while it waits when ranks outnumber a machine's cores; a variable the job's environment
     * already sets is left as it is.
     */
    private static void yieldOnSharedCores(Roster roster, MpiDriver driver, Map<String, String> env) {
        SharedCores.of(roster.nodes()).ifPresent(shared -> {
            driver.yieldWhenIdle().forEach(env::putIfAbsent);
            LOG.info("{}: telling {} to yield the core while a rank waits ({})", shared.describe(),
                    driver.description(), new java.util.TreeMap<>(driver.yieldWhenIdle()).keySet().stream()
                            .map(name -> name + "=" + env.get(name)).collect(java.util.stream.Collectors.joining(" ")));
        });
    }

    private int slots() {
        if (settings.slots().isPresent()) {
            return settings.slots().getAsInt();
        }
        return spec.slotsPerNode().orElse(Runtime.getRuntime().availableProcessors());
    }

    private Duration formationTimeout() {
        return settings.formationTimeout().orElse(spec.timeouts().formation());
    }

    /**
     * How long the cluster's certificates stay valid: formation plus every step's limit, or {@link #UNBOUNDED_JOB}
     * when steps are unbounded. The authority's key dies with the main node, so a longer validity gives nothing away.
     */
    private Duration certificateValidity() {
        Duration steps = spec.timeouts().step().isZero()
                ? UNBOUNDED_JOB : spec.timeouts().step().multipliedBy(Math.max(1, spec.steps().size()));
        return formationTimeout().plus(steps);
    }

    private Duration remaining(Duration total, Instant start) {
        Duration left = total.minus(Duration.between(start, clock.instant()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private String subnet(ClusterAddress address) {
        return settings.subnet().orElse(address.subnetCidr());
    }

    private void pause(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Path privateDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the agent's state directory " + dir + ": " + e.getMessage()
                    + "; set " + AgentEnv.STATE_DIR + " to a writable path", e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the working directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
