# The mpi-batch node image: the node agent as entrypoint, Open MPI, MPICH, OpenSSH, Python with mpi4py and NumPy.
# No SSH keys are baked in: every node makes its own at start, and host keys are checked.
#
# `docker build .` builds the agent jar with Maven (stage `build`) and the image (the last stage).
# bin/build-image builds the same runtime with podman where no registry is reachable: it builds the jar with the
# machine's Maven and selects the stage `prebuilt` (`--target prebuilt`), which copies that jar instead, over a
# Debian 12 base made with mmdebstrap (`--build-arg BASE_IMAGE=...`). Both paths share the stage `runtime`.
ARG BASE_IMAGE=debian:12-slim

# Runtime: Debian 12 with what a node needs, installed by the same script CI runs, and the agent's entrypoint.
FROM ${BASE_IMAGE} AS runtime
# UTF-8 everywhere: job names, arguments and program output that are not ASCII survive (Debian's default is POSIX).
ENV LANG=C.UTF-8 LC_ALL=C.UTF-8
COPY docker/install-runtime.sh /opt/mpi-batch/install-runtime.sh
# openssh-server's install makes host keys; no node may share them (each node makes its own at start).
RUN bash /opt/mpi-batch/install-runtime.sh --with-jre && rm -rf /var/lib/apt/lists/* /etc/ssh/ssh_host_*
COPY docker/mpi-batch-agent /opt/mpi-batch/mpi-batch-agent
# mpi-batch-node and the mpi_batch Python module, with which the programs of a job's sh steps ask the main node for
# steps: on PATH and on the system Python's path for every program of the image (the entrypoint puts them first).
COPY docker/bin /opt/mpi-batch/bin
COPY docker/python /opt/mpi-batch/python
RUN ln -s /opt/mpi-batch/bin/mpi-batch-node /usr/local/bin/mpi-batch-node \
    && site="$(python3 -c 'import site; print(site.getsitepackages()[0])')" && mkdir -p "$site" \
    && echo /opt/mpi-batch/python > "$site/mpi-batch.pth"
WORKDIR /var/lib/mpi-batch/work
ENTRYPOINT ["/opt/mpi-batch/mpi-batch-agent"]

# The runtime with a jar built outside (bin/build-image): `mvn -pl node-agent -am package` first.
FROM runtime AS prebuilt
COPY node-agent/target/mpi-batch-agent.jar /opt/mpi-batch/mpi-batch-agent.jar
# bin/build-image's hash of the image's inputs: an up-to-date image is recognised without building. A LABEL step
# (not podman build --label, which a cached build does not apply) so that a new hash always reaches the image.
ARG INPUTS_HASH=unknown
LABEL dev.mpi-batch.inputs=${INPUTS_HASH}

# Build stage: the agent jar, built by Maven from this checkout (every module the root pom lists must be here).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY testkit testkit
COPY node-agent node-agent
COPY launcher-cli launcher-cli
COPY benchmarks benchmarks
COPY docker docker
RUN mvn -B -q -DskipTests -pl node-agent -am package

# The image `docker build .` makes: the runtime with the jar from the build stage.
FROM runtime
COPY --from=build /src/node-agent/target/mpi-batch-agent.jar /opt/mpi-batch/mpi-batch-agent.jar
