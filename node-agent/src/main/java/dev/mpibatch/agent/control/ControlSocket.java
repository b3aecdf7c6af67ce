package dev.mpibatch.agent.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The control socket's file: {@code control.sock} in the agent's private state directory, or in a private (0700)
 * directory of the system's temporary directory when that path is too long for a Unix socket (108 bytes).
 * Only the agent's own user may connect: the directory is 0700 and the socket 0600.
 */
record ControlSocket(Path path, Path ownDirectory, ServerSocketChannel channel) implements AutoCloseable {
    /** sun_path holds 108 bytes with its NUL; a little to spare. */
    private static final int MAX_PATH_BYTES = 100;

    static ControlSocket bind(Path stateDir) {
        Path path = stateDir.resolve("control.sock");
        Path ownDirectory = null;
        try {
            if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
                ownDirectory = Files.createTempDirectory("mpi-batch-control-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                path = ownDirectory.resolve("control.sock");
            }
            Files.deleteIfExists(path);
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            return new ControlSocket(path, ownDirectory, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the control socket " + path + ": " + e.getMessage(), e);
        }
    }

    /** Stops listening and deletes the socket's file (and its own directory). */
    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(path);
            if (ownDirectory != null) {
                Files.deleteIfExists(ownDirectory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the control socket " + path + ": " + e.getMessage(), e);
        }
    }
}
