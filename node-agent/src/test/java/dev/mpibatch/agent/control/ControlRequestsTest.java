package dev.mpibatch.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.plan.Step;

/** The control socket at the protocol level, with a client written here: what is refused, and what is answered. */
class ControlRequestsTest {
    private static final String HOST = "main-0";

    @TempDir
    Path dir;

    private ControlServer server;
    private final List<String> ran = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        Files.createDirectories(dir.resolve("state"));
        server = ControlServer.start(dir.resolve("state"), HOST, "/var/lib/mpi-batch/work");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void openSession() {
        server.open(3, (step, label, cancellation) -> {
            synchronized (ran) {
                ran.add(label + " " + step);
            }
            return step instanceof Step.Sh sh && sh.command().equals("fail") ? 7 : 0;
        });
    }

    /** Sends {@code request} as one line and returns every line of the answer. */
    private List<String> ask(String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(server.socket()));
            channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            return List.of(new String(readAll(channel), StandardCharsets.UTF_8).split("\n"));
        }
    }

    private static byte[] readAll(SocketChannel channel) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (channel.read(buffer.clear()) >= 0) {
            out.write(buffer.array(), 0, buffer.position());
        }
        return out.toByteArray();
    }

    private static String request(String host, String step) {
        return "{\"protocol\": 1, \"host\": \"" + host + "\", \"step\": " + step + "}";
    }

    @Test
    void socket_isInThePrivateStateDirectory_andOnlyItsOwnerMayConnect() throws IOException {
        assertThat(server.socket()).isEqualTo(dir.resolve("state/control.sock"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket()))).isEqualTo("rw-------");
    }

    @Test
    void request_runsTheStepNumberedAfterItsShStep_andAnswersItsExitCode() throws IOException {
        openSession();

        assertThat(ask(request(HOST, "{\"sh\": \"echo one\"}"))).containsExactly("{\"started\":\"3.1\"}",
                "{\"exit\":0,\"step\":\"3.1\"}");
        assertThat(ask(request(HOST, "{\"sh\": \"fail\"}"))).containsExactly("{\"started\":\"3.2\"}",
                "{\"exit\":7,\"step\":\"3.2\"}");
        assertThat(ran).containsExactly("3.1 Sh[command=echo one, env={}]", "3.2 Sh[command=fail, env={}]");
    }

    @Test
    void request_fromAnotherHost_isRefusedNamingBothHosts() throws IOException {
        openSession();

        assertThat(ask(request("worker-1", "{\"sh\": \"echo one\"}"))).singleElement().asString()
                .startsWith("{\"exit\":2,\"message\":\"the request comes from host worker-1, but the main node is main-0: "
                        + "mpi-batch-node runs steps from the main node only");
        assertThat(ran).isEmpty();
    }

    @Test
    void request_whenNoShStepRuns_isRefused() throws IOException {
        assertThat(ask(request(HOST, "{\"sh\": \"echo one\"}"))).singleElement().asString()
                .contains("\"exit\":2", "no sh step of the plan runs now");

        openSession();
        server.end();
        assertThat(ask(request(HOST, "{\"sh\": \"echo one\"}"))).singleElement().asString()
                .contains("no sh step of the plan runs now");
        assertThat(ran).isEmpty();
    }

    @Test
    void request_thatIsNotOneOfTheProtocol_isRefusedWithExit2SayingWhy() throws IOException {
        openSession();

        assertThat(ask("hello")).singleElement().asString().contains("\"exit\":2", "the request is not JSON");
        assertThat(ask("[1]")).singleElement().asString().contains("must be a JSON object with protocol, host and step");
        assertThat(ask("{\"protocol\": 2, \"host\": \"main-0\", \"step\": {\"sh\": \"x\"}}")).singleElement().asString()
                .contains("the request speaks protocol 2 and this agent 1");
        assertThat(ask("{\"protocol\": 1, \"host\": \"main-0\"}")).singleElement().asString().contains("step is missing");
        assertThat(ask("{\"protocol\": 1, \"host\": \"main-0\", \"step\": {\"sh\": \"x\"}, \"extra\": 1}"))
                .singleElement().asString().contains("unknown request field 'extra'");
        assertThat(ask(request(HOST, "{\"sh\": \"" + "x".repeat(ControlProtocol.MAX_REQUEST) + "\"}")))
                .singleElement().asString().contains("the request is longer than 1048576 bytes");
        assertThat(ask(request(HOST, "{\"shell\": \"x\"}"))).singleElement().asString()
                .contains("step: unknown step type 'shell': use one of cc, broadcast, exec, run, sh");
        assertThat(ran).isEmpty();
    }

    @Test
    void request_withABroadcastOutsideTheWorkingDirectory_isRefusedAsAJobFilesStepWouldBe() throws IOException {
        openSession();

        assertThat(ask(request(HOST, "{\"broadcast\": [\"/etc/passwd\"]}"))).singleElement().asString()
                .contains("step.broadcast[0]: '/etc/passwd' is outside the working directory /var/lib/mpi-batch/work");
    }
}
