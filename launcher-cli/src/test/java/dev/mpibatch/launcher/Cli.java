package dev.mpibatch.launcher;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.mpibatch.cli.Main;

/** The CLI run in this JVM, as a user would type it. */
record Cli(int exitCode, String out, String err) {

    /** Fake AWS credentials, and a home and runtime directory of the test's own under {@code home}. */
    static Map<String, String> isolatedEnvironment(Path home) {
        return Map.of("AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "y", "HOME", home.toString(),
                "XDG_RUNTIME_DIR", home.resolve("runtime").toString(), "PATH", System.getenv("PATH"));
    }

    static Cli run(Map<String, String> env, List<String> tail, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(tail);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        Cli cli = new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("$ mpi-batch " + String.join(" ", all) + "\n" + cli.out + cli.err + "(exit " + code + ")");
        return cli;
    }
}
