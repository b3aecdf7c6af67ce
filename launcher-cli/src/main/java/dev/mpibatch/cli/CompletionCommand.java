package dev.mpibatch.cli;

import java.util.concurrent.Callable;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mpi-batch completion bash|zsh}: a completion script for every command and option (picocli's
 * {@link AutoComplete}). The script is written for bash; zsh runs it through its {@code bashcompinit}, which the
 * script loads itself when it finds itself in zsh.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a shell completion script for mpi-batch's commands and options.",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {HelpText.EXIT_OK, HelpText.EXIT_USAGE},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  source <(mpi-batch completion bash)                    (in this shell)",
                "  mpi-batch completion bash > /etc/bash_completion.d/mpi-batch",
                "  echo 'source <(mpi-batch completion zsh)' >> ~/.zshrc", HelpText.SETTINGS})
final class CompletionCommand implements Callable<Integer> {
    /** The shells a script is made for. */
    enum Shell { bash, zsh }

    @ParentCommand
    MpiBatchCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.parent().commandLine();
        // The script is made from the commands' models: every command is registered for this one (see subcommandsFor).
        parent.out.print(AutoComplete.bash("mpi-batch", root));
        parent.out.flush();
        return ExitCodes.OK;
    }
}
