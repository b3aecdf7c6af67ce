package dev.mpibatch.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.mpibatch.testing.Requirements;

/** Runs OpenSSH's own tools on what the agent wrote: the reference reader of these formats. */
final class OpenSshTool {
    record Result(int code, String output) {
    }

    private OpenSshTool() {
    }

    static Result run(String... command) throws Exception {
        Requirements.require(Requirements.onPath(command[0]), command[0] + " (apt-get install openssh-client)");
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
