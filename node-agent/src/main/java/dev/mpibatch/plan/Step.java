package dev.mpibatch.plan;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a plan, run in order on the main node once the cluster has formed.
 *
 * <p>Arguments are argv lists handed to the program as they are, never through a shell,
 * except for {@link Sh}, whose whole purpose is a shell command.
 */
public sealed interface Step permits Step.Cc, Step.Broadcast, Step.Mpi, Step.Sh {

    /** The step's type as written in a job file: {@code cc}, {@code broadcast}, {@code exec}, {@code run}, {@code sh}. */
    String type();

    /**
     * Variables this step's program sees on top of the job's {@code env} (a step's value wins); empty for a
     * {@link Broadcast}, which runs no program of the user's.
     */
    Map<String, String> env();

    /** {@code mpicc <args>} in the working directory of the main node. */
    record Cc(List<String> args, Map<String, String> env) implements Step {
        public Cc {
            args = List.copyOf(Objects.requireNonNull(args, "args"));
            env = JobEnvironment.copy(env);
        }

        public Cc(List<String> args) {
            this(args, Map.of());
        }

        @Override
        public String type() {
            return "cc";
        }
    }

    /**
     * Copies files from the main node to the same path on every other node. Paths relative to the working directory.
     * It runs no program of the user's, so it takes no {@code env}.
     */
    record Broadcast(List<String> paths) implements Step {
        public Broadcast {
            paths = List.copyOf(Objects.requireNonNull(paths, "paths"));
        }

        @Override
        public String type() {
            return "broadcast";
        }

        @Override
        public Map<String, String> env() {
            return Map.of();
        }
    }

    /**
     * {@code mpiexec} ({@link Launcher#EXEC}) or {@code mpirun} ({@link Launcher#RUN}) over the whole cluster:
     * {@code <launcher> --hostfile <cluster hostfile> <args> <program> <programArgs>}.
     */
    record Mpi(Launcher launcher, List<String> args, String program, List<String> programArgs,
               Map<String, String> env) implements Step {
        public Mpi {
            Objects.requireNonNull(launcher, "launcher");
            args = List.copyOf(Objects.requireNonNull(args, "args"));
            Objects.requireNonNull(program, "program");
            programArgs = List.copyOf(Objects.requireNonNull(programArgs, "programArgs"));
            env = JobEnvironment.copy(env);
        }

        public Mpi(Launcher launcher, List<String> args, String program, List<String> programArgs) {
            this(launcher, args, program, programArgs, Map.of());
        }

        @Override
        public String type() {
            return launcher.stepType();
        }
    }

    /** A shell command ({@code sh -c}) on the main node, with the cluster's environment. */
    record Sh(String command, Map<String, String> env) implements Step {
        public Sh {
            Objects.requireNonNull(command, "command");
            env = JobEnvironment.copy(env);
        }

        public Sh(String command) {
            this(command, Map.of());
        }

        @Override
        public String type() {
            return "sh";
        }
    }

    /** Which MPI launcher an {@link Mpi} step calls. */
    enum Launcher {
        EXEC("exec", "mpiexec"),
        RUN("run", "mpirun");

        private final String stepType;
        private final String command;

        Launcher(String stepType, String command) {
            this.stepType = stepType;
            this.command = command;
        }

        public String stepType() {
            return stepType;
        }

        /** The launcher program's name, looked up on PATH. */
        public String command() {
            return command;
        }
    }
}
