package dev.mpibatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --help} of every command: examples, exit codes, where settings come from, and every option's default;
 * {@code help COMMAND}, a bare {@code mpi-batch}, and the shell completion script.
 */
class HelpTest {
    private static CliRun run(String... args) {
        return CliRun.run(Map.of("PATH", System.getenv("PATH")), args);
    }

    static Stream<String> commands() {
        return MpiBatchCommand.commandNames().stream().filter(n -> !n.equals("cds-training") && !n.equals("help"));
    }

    @ParameterizedTest(name = "mpi-batch {0} --help")
    @MethodSource("commands")
    void help_showsExamplesExitCodesAndSettings(String command) {
        CliRun run = run(command, "--help");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Usage: mpi-batch " + command)
                .contains("Examples:").contains("  mpi-batch " + command + " ")
                .contains("Exit codes:").containsPattern("\n  0 +\\S")
                .contains("Settings: a flag beats MPI_BATCH_<OPTION> in the environment");
    }

    @ParameterizedTest(name = "mpi-batch {0}: every option says its default")
    @MethodSource("commands")
    void everyOption_saysItsDefault(String command) {
        CommandLine root = new CommandLine(new MpiBatchCommand(System.out, System.err, Map.of()));
        MpiBatchCommand.subcommandsFor(new String[] {command}).forEach((n, c) -> root.addSubcommand(n, c.get()));
        CommandLine sub = root.getSubcommands().get(command);

        for (OptionSpec option : sub.getCommandSpec().options()) {
            if (option.hidden() || option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String text = String.join(" ", option.description()).toLowerCase(java.util.Locale.ROOT);
            assertThat(text).as(command + " " + option.longestName()).containsAnyOf("default", "required");
        }
    }

    @Test
    void root_help_listsEveryCommandWithExamples() {
        CliRun run = run("--help");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("configure", "doctor", "wait", "completion", "help")
                .doesNotContain("cds-training").contains("Examples:").contains("--region=REGION");
    }

    @Test
    void bareCommand_namesEveryCommand() {
        CliRun run = run();

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("name a command: local, submit, wait, status, logs, cancel, list, configure, "
                + "doctor, completion, help");
    }

    @Test
    void helpCommand_showsTheCommandsHelp() {
        CliRun run = run("help", "submit");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Usage: mpi-batch submit").contains("--dry-run").contains("Examples:");
    }

    @Test
    void globalOptionBeforeTheCommand_isNotTakenForTheCommand() {
        CliRun run = run("--region", "us-east-1", "help", "status");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Usage: mpi-batch status");
    }

    @Test
    void completion_bash_completesCommandsAndOptions() {
        CliRun run = run("completion", "bash");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("complete -F").contains("submit").contains("--nodes").contains("--dry-run")
                .contains("bashcompinit");
    }

    @Test
    void completion_unknownShell_isAUsageError() {
        CliRun run = run("completion", "fish");

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Invalid value for positional parameter at index 0 (SHELL): expected one of "
                + "[bash, zsh]");
    }
}
