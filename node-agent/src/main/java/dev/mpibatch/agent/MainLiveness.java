package dev.mpibatch.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.BooleanSupplier;

/**
 * Tells a worker whether the main node is still there by connecting to its sshd: free, unlike polling S3,
 * and the main node closes its sshd when it finishes (Batch stops the whole container when it dies).
 */
final class MainLiveness implements BooleanSupplier {
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;

    private final String address;
    private final int port;

    MainLiveness(String address, int port) {
        this.address = address;
        this.port = port;
    }

    @Override
    public boolean getAsBoolean() {
        return accepts(address, port);
    }

    /** Whether something accepts TCP connections at address:port right now. */
    static boolean accepts(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
