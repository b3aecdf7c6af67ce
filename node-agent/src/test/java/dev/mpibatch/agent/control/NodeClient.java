package dev.mpibatch.agent.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the node-side client is in this checkout (docker/), laid out as in the image, and what it says it is. */
final class NodeClient {
    static final Path DOCKER = Path.of("..", "docker").toAbsolutePath().normalize();
    static final Path BIN = DOCKER.resolve("bin");
    static final Path PYTHON = DOCKER.resolve("python");

    private NodeClient() {
    }

    /** The hostname the client sends: the UTS name, as Python's socket.gethostname() reads it. */
    static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
