# The mpi-batch node image: the node agent as entrypoint, Open MPI, MPICH, OpenSSH, Python with mpi4py and NumPy.
# No SSH keys are baked in: every node makes its own at start, and host keys are checked.

# Build stage: the agent jar, built by Maven from this checkout.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY testkit testkit
COPY node-agent node-agent
COPY launcher-cli launcher-cli
COPY docker docker
RUN mvn -B -q -DskipTests -pl node-agent -am package

# Runtime stage: Debian 12 with what a node needs, installed by the same script CI runs.
FROM debian:12-slim
COPY docker/install-runtime.sh /opt/mpi-batch/install-runtime.sh
RUN bash /opt/mpi-batch/install-runtime.sh --with-jre && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/node-agent/target/mpi-batch-agent.jar /opt/mpi-batch/mpi-batch-agent.jar
COPY docker/mpi-batch-agent /opt/mpi-batch/mpi-batch-agent
WORKDIR /var/lib/mpi-batch/work
ENTRYPOINT ["/opt/mpi-batch/mpi-batch-agent"]
