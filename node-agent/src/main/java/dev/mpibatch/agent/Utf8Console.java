package dev.mpibatch.agent;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Text in any language passes through mpi-batch unchanged. The JVM encodes program arguments, environment values and
 * file names in the charset of the locale it started in ({@code sun.jnu.encoding}), and prints in it; with no
 * {@code LANG} (a container, a CI job, {@code env -i}) that is ASCII, and every {@code é} became {@code ?}. The
 * entrypoints ({@code docker/mpi-batch-agent}, {@code bin/mpi-batch}) start the JVM in a UTF-8 locale; this class
 * makes standard output and error UTF-8 whatever the locale, and says when arguments cannot be passed unchanged.
 */
public final class Utf8Console {
    private Utf8Console() {
    }

    /** Makes {@link System#out} and {@link System#err} write UTF-8, whatever the locale; both flush every line. */
    public static void install() {
        System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 13),
                true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 1 << 13),
                true, StandardCharsets.UTF_8));
    }

    /**
     * Why programs started by this JVM would not get their arguments as written, or empty when they would: the JVM
     * encodes arguments in the locale's charset, which must be UTF-8 (it cannot be changed once the JVM runs).
     */
    public static Optional<String> argumentProblem() {
        String charset = System.getProperty("sun.jnu.encoding", "UTF-8");
        if (charset.equalsIgnoreCase("UTF-8") || charset.equalsIgnoreCase("UTF8")) {
            return Optional.empty();
        }
        return Optional.of("this JVM runs in a " + charset + " locale, so non-ASCII text in arguments and file names "
                + "would reach programs as '?': start it with a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (the image's "
                + "entrypoint /opt/mpi-batch/mpi-batch-agent does this)");
    }
}
