package dev.mpibatch.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.mpibatch.plan.JobSpec;

/** Everything a local run needs, checked before anything is made, so a refusal leaves nothing behind. */
final class Preflight {
    private Preflight() {
    }

    static void check(LocalClusterOptions options, JobSpec spec, boolean namespaces) {
        Map<String, String> env = options.environment();
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of("/usr/sbin/sshd"))) {
            missing.add("sshd (openssh-server)");
        }
        if (!Commands.available("ssh-keygen", env) || !Commands.available("ssh", env)) {
            missing.add("ssh, ssh-keygen (openssh-client)");
        }
        if (!Commands.available("mpirun", env) && !Commands.available("mpirun.openmpi", env)) {
            missing.add("mpirun (openmpi-bin)");
        }
        if (!Commands.available("mpicc", env) && !Commands.available("mpicc.openmpi", env)) {
            missing.add("mpicc (libopenmpi-dev)");
        }
        if (namespaces && !Commands.available("ip", env)) {
            missing.add("ip (iproute2)");
        }
        if (namespaces && !Commands.available("unshare", env)) {
            missing.add("unshare (util-linux)");
        }
        if (options.linkRate().isPresent() && !Commands.available("tc", env)) {
            missing.add("tc (iproute2), for the link rate");
        }
        if (!missing.isEmpty()) {
            throw new dev.mpibatch.launcher.InvalidInputException("missing on this machine: " + String.join(", ", missing)
                    + "; install them (Debian: docker/install-runtime.sh, or apt-get install openmpi-bin "
                    + "libopenmpi-dev openssh-server openssh-client iproute2 util-linux)");
        }
        if (!Files.isRegularFile(options.agentJar())) {
            throw new dev.mpibatch.launcher.InvalidInputException("node agent jar " + options.agentJar() + " not found: build it with "
                    + "'mvn -DskipTests package' or point --agent-jar (or MPI_BATCH_AGENT_JAR) at it");
        }
        // An automatic subnet is chosen large enough later, under the run lock.
        if (namespaces && !LocalClusterOptions.AUTO_SUBNET.equals(options.subnet())) {
            Subnet subnet = Subnet.parse(options.subnet());
            if (spec.nodes() > subnet.capacity()) {
                throw new dev.mpibatch.launcher.InvalidInputException("--subnet " + options.subnet() + " has room for " + subnet.capacity()
                        + " hosts, not " + spec.nodes() + ": choose a larger subnet");
            }
        } else if (!namespaces && spec.nodes() > 250) {
            throw new dev.mpibatch.launcher.InvalidInputException("a loopback cluster has at most 250 hosts, not " + spec.nodes()
                    + ": run as root for network namespaces");
        }
        if (options.linkRate().isPresent() && !namespaces) {
            throw new dev.mpibatch.launcher.InvalidInputException("a link rate needs namespace hosts (loopback hosts share one link): "
                    + "run as root without --loopback, or drop --link-rate");
        }
        for (int index : options.neverStart()) {
            if (index == 0 || index >= spec.nodes()) {
                throw new dev.mpibatch.launcher.InvalidInputException("--never-start " + index + ": name a worker, 1 to " + (spec.nodes() - 1));
            }
        }
    }

    /**
     * Checks what a container cluster needs before anything is made.
     *
     * @throws IllegalArgumentException naming what is missing and how to get it
     */
    static void checkContainers(LocalClusterOptions options, JobSpec spec) {
        Podman podman = Podman.from(options.environment());
        if (!podman.available()) {
            throw new dev.mpibatch.launcher.InvalidInputException("--image needs podman, and '" + podman.executable() + "' is not "
                    + "found: install it (Debian: apt-get install podman), or run bin/mpi-batch from a checkout, "
                    + "whose bin/build-image installs it");
        }
        try {
            podman.run("--version");
        } catch (dev.mpibatch.process.CommandFailedException e) {
            throw new dev.mpibatch.launcher.InvalidInputException("--image needs podman, which does not run here: " + e.getMessage(), e);
        }
        String image = options.image().orElseThrow().name();
        if (!podman.imageExists(image)) {
            throw new dev.mpibatch.launcher.InvalidInputException("--image " + image + ": no such image in podman's storage: build it "
                    + "with bin/build-image (localhost/mpi-batch:latest), or pull it (podman pull " + image + ")");
        }
        for (int index : options.neverStart()) {
            if (index == 0 || index >= spec.nodes()) {
                throw new dev.mpibatch.launcher.InvalidInputException("--never-start " + index + ": name a worker, 1 to " + (spec.nodes() - 1));
            }
        }
    }
}
