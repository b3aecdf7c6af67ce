package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the image recipe is checked against the build: the jar it copies is the one Maven
 * makes, its entrypoint is the script local clusters run, its packages come from the script CI runs.
 */
class DockerfileTest {
    private static final Path ROOT = Path.of("..");

    private static String read(String file) throws Exception {
        return Files.readString(ROOT.resolve(file));
    }

    @Test
    void dockerfile_copiesTheAgentJarMavenBuilds() throws Exception {
        String dockerfile = read("Dockerfile");
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(read("node-agent/pom.xml"));
        assertThat(finalName.find()).isTrue();
        String jar = "node-agent/target/" + finalName.group(1) + ".jar";

        assertThat(dockerfile).contains("COPY --from=build /src/" + jar + " /opt/mpi-batch/mpi-batch-agent.jar");
        assertThat(read("docker/mpi-batch-agent")).contains("${MPI_BATCH_AGENT_JAR:-/opt/mpi-batch/mpi-batch-agent.jar}");
        // bin/build-image's path: the same jar, built outside, copied by the stage it selects; the build context
        // leaves target/ out except this jar.
        assertThat(dockerfile).contains("FROM runtime AS prebuilt\nCOPY " + jar + " /opt/mpi-batch/mpi-batch-agent.jar");
        assertThat(read("bin/build-image")).contains("--target prebuilt").contains("-pl node-agent -am clean package");
        assertThat(read(".dockerignore")).contains("**/target").contains("!" + jar);
    }

    /** Maven stops the build stage when a module the root pom lists was not copied into it. */
    @Test
    void dockerfile_buildStageCopiesEveryModuleTheRootPomLists() throws Exception {
        String dockerfile = read("Dockerfile");
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(read("pom.xml"));
        int modules = 0;
        while (module.find()) {
            modules++;
            assertThat(dockerfile).as("the build stage copies module %s", module.group(1))
                    .contains("COPY " + module.group(1) + " " + module.group(1) + "\n");
        }
        assertThat(modules).isGreaterThanOrEqualTo(4);
    }

    /** Both images (docker build, bin/build-image) are the stage runtime plus the jar, nothing else. */
    @Test
    void dockerfile_bothPathsShareTheRuntimeStage() throws Exception {
        String dockerfile = read("Dockerfile");

        assertThat(dockerfile).contains("ARG BASE_IMAGE=debian:12-slim\n").contains("FROM ${BASE_IMAGE} AS runtime\n");
        String afterRuntime = dockerfile.substring(dockerfile.indexOf("FROM runtime AS prebuilt"));
        assertThat(Pattern.compile("^(RUN|ENV|ENTRYPOINT|WORKDIR|USER)", Pattern.MULTILINE)
                .matcher(afterRuntime.replaceAll("(?s)FROM maven.*?FROM runtime\n", "")).find())
                .as("steps outside the shared runtime stage").isFalse();
    }

    /** Non-ASCII job names, arguments and output survive: the JVM and the tools run with a UTF-8 locale. */
    @Test
    void dockerfile_setsUtf8Locale() throws Exception {
        assertThat(read("Dockerfile")).contains("ENV LANG=C.UTF-8 LC_ALL=C.UTF-8\n");
    }

    /** mpi-batch-node and the mpi_batch module: in the image where the entrypoint finds them, the same on local hosts. */
    @Test
    void dockerfile_installsTheNodeClientThatLocalHostsGetToo() throws Exception {
        String dockerfile = read("Dockerfile");

        assertThat(dockerfile).contains("COPY docker/bin /opt/mpi-batch/bin\n", "COPY docker/python /opt/mpi-batch/python\n",
                "ln -s /opt/mpi-batch/bin/mpi-batch-node /usr/local/bin/mpi-batch-node");
        assertThat(read("docker/mpi-batch-agent")).contains("export PATH=\"$here/bin:$PATH\" PYTHONPATH=\"$here/python");
        assertThat(read("docker/bin/mpi-batch-node")).contains("\"$here/../python/mpi_batch.py\"");
        assertThat(Files.isExecutable(ROOT.resolve("docker/bin/mpi-batch-node"))).isTrue();
        for (String file : new String[] {"bin/mpi-batch-node", "python/mpi_batch.py"}) {
            assertThat(AgentLauncher.class.getResourceAsStream(file).readAllBytes()).as(file)
                    .isEqualTo(Files.readAllBytes(ROOT.resolve("docker/" + file)));
        }
    }

    @Test
    void dockerfile_entrypointIsTheScriptLocalClustersRun() throws Exception {
        String dockerfile = read("Dockerfile");

        assertThat(dockerfile).contains("COPY docker/mpi-batch-agent /opt/mpi-batch/mpi-batch-agent")
                .contains("ENTRYPOINT [\"/opt/mpi-batch/mpi-batch-agent\"]");
        assertThat(AgentLauncher.class.getResourceAsStream("mpi-batch-agent").readAllBytes())
                .isEqualTo(Files.readAllBytes(ROOT.resolve("docker/mpi-batch-agent")));
        assertThat(Files.isExecutable(ROOT.resolve("docker/mpi-batch-agent"))).isTrue();
    }

    @Test
    void dockerfileAndCi_installWithTheSameScript() throws Exception {
        assertThat(read("Dockerfile")).contains("COPY docker/install-runtime.sh /opt/mpi-batch/install-runtime.sh")
                .contains("RUN bash /opt/mpi-batch/install-runtime.sh --with-jre");
        // CI runs the README's test command, bin/test, which installs with the same script.
        assertThat(read(".ci/run")).contains("exec bin/test");
        assertThat(read("bin/test")).contains("bash \"$ROOT/docker/install-runtime.sh\"");
        assertThat(read("docker/install-runtime.sh")).contains("openmpi-bin", "mpich", "openssh-server",
                "python3-mpi4py", "python3-numpy", "gcc");
    }

    @Test
    void dockerfile_bakesNoKeysAndKeepsHostKeyChecking() throws Exception {
        String dockerfile = read("Dockerfile") + read("docker/mpi-batch-agent") + read("docker/install-runtime.sh");

        assertThat(dockerfile).doesNotContain("ssh-keygen").doesNotContain("StrictHostKeyChecking no")
                .doesNotContain("id_rsa").doesNotContain("id_ed25519");
    }
}
