package dev.mpibatch.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** moto_server on a free loopback port, Batch in no-Docker mode (jobs go straight to SUCCEEDED). */
final class Moto implements AutoCloseable {
    private final Process process;
    private final int port;

    private Moto(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Moto start(Path log) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Moto moto = new Moto(process, port);
        Instant deadline = Instant.now().plusSeconds(30);
        while (!accepts(port)) {
            if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                moto.close();
                throw new IllegalStateException("moto_server did not start on port " + port + " (see " + log
                        + "; it comes with moto 5: pip install 'moto[server]')");
            }
            Thread.sleep(100);
        }
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(moto.endpoint() + "/moto-api/config"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":{\"use_docker\":false}}")).build(),
                HttpResponse.BodyHandlers.discarding());
        return moto;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Duration timeout() {
        return Duration.ofMinutes(2);
    }
}
