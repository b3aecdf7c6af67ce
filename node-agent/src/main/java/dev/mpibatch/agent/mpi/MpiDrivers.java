package dev.mpibatch.agent.mpi;

import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.mpibatch.plan.MpiImplementation;
import dev.mpibatch.process.CommandFailedException;
import dev.mpibatch.process.Exec;

/**
 * Picks the driver for the MPI on this node. Debian installs Open MPI and MPICH side by side behind alternatives
 * ({@code mpirun.openmpi}, {@code mpirun.mpich}); a job may pin one, else {@code mpirun} decides.
 */
public final class MpiDrivers {
    private static final Pattern OPEN_MPI = Pattern.compile("\\(Open MPI\\) (\\d+\\.\\d+(\\.\\d+)?)");
    private static final Pattern HYDRA = Pattern.compile("HYDRA build details:|MPICH", Pattern.CASE_INSENSITIVE);
    /** mpirun --version answers at once; a launcher that does not within this is not usable. */
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern HYDRA_VERSION = Pattern.compile("Version:\\s+(\\S+)");

    private MpiDrivers() {
    }

    /**
     * The driver for {@code wanted}, looking at the programs on {@code env}'s PATH.
     *
     * @throws IllegalStateException when that MPI is not installed, saying what to install
     */
    public static MpiDriver select(MpiImplementation wanted, Map<String, String> env) {
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        return switch (wanted) {
            case OPENMPI -> openMpi(path).orElseThrow(() -> new IllegalStateException(
                    "the job asks for Open MPI, but no mpirun.openmpi or Open MPI mpirun is on PATH: install openmpi-bin"));
            case MPICH -> mpich(path).orElseThrow(() -> new IllegalStateException(
                    "the job asks for MPICH, but no mpirun.mpich or MPICH mpirun is on PATH: install mpich"));
            case AUTO -> detect(path);
        };
    }

    /** Reads a launcher's {@code --version} text; empty when it is neither Open MPI nor MPICH. */
    public static Optional<MpiDriver> fromVersion(String versionText, String suffix) {
        Matcher openMpi = OPEN_MPI.matcher(versionText);
        if (openMpi.find()) {
            return Optional.of(new OpenMpiDriver(openMpi.group(1), suffix));
        }
        if (HYDRA.matcher(versionText).find()) {
            Matcher version = HYDRA_VERSION.matcher(versionText);
            return Optional.of(new MpichDriver(version.find() ? version.group(1) : "unknown", suffix));
        }
        return Optional.empty();
    }

    private static MpiDriver detect(String path) {
        if (find("mpirun", path)) {
            Optional<MpiDriver> plain = fromVersion(version("mpirun"), "");
            if (plain.isPresent()) {
                // Prefer the alternative's own name, so that mpicc and mpirun surely belong together.
                return plain.get() instanceof OpenMpiDriver ? openMpi(path).orElse(plain.get()) : mpich(path).orElse(plain.get());
            }
        }
        return openMpi(path).or(() -> mpich(path)).orElseThrow(() -> new IllegalStateException(
                "no MPI found on PATH (mpirun): install Open MPI (openmpi-bin libopenmpi-dev) or MPICH (mpich)"));
    }

    private static Optional<MpiDriver> openMpi(String path) {
        for (String suffix : new String[] {".openmpi", ""}) {
            if (find("mpirun" + suffix, path)) {
                Optional<MpiDriver> driver = fromVersion(version("mpirun" + suffix), suffix);
                if (driver.isPresent() && driver.get() instanceof OpenMpiDriver) {
                    return driver;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<MpiDriver> mpich(String path) {
        for (String suffix : new String[] {".mpich", ""}) {
            if (find("mpirun" + suffix, path)) {
                Optional<MpiDriver> driver = fromVersion(version("mpirun" + suffix), suffix);
                if (driver.isPresent() && driver.get() instanceof MpichDriver) {
                    return driver;
                }
            }
        }
        return Optional.empty();
    }

    private static boolean find(String program, String path) {
        return Exec.find(program, path).isPresent();
    }

    /** What {@code program --version} prints; empty when it cannot run (this MPI is then not used). */
    private static String version(String program) {
        try {
            Exec.Result result = Exec.of(program, "--version").timeout(VERSION_TIMEOUT).run();
            return result.stdout() + result.stderr();
        } catch (CommandFailedException e) {
            return "";
        }
    }
}
