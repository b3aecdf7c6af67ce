package dev.mpibatch.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import dev.mpibatch.launcher.StackOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/** {@code mpi-batch configure --stack NAME}: writes the infra stack's queue, bucket and role into the config file. */
@Command(name = "configure", mixinStandardHelpOptions = true,
        description = "Write the config file (~/.mpi-batch/config) from the outputs of the infra/ stack: queue, "
                + "bucket, prefix, job role, instance type, log group (and region, with --region).",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {HelpText.EXIT_OK, HelpText.EXIT_USAGE,
                HelpText.EXIT_REMOTE, HelpText.EXIT_INTERNAL},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  mpi-batch configure --stack mpi-batch",
                "  mpi-batch configure --stack mpi-batch --region eu-west-1 --config .mpi-batch/config",
                HelpText.SETTINGS})
final class ConfigureCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Option(names = "--stack", paramLabel = "NAME", required = true, description = "The CloudFormation stack of infra/mpi-batch.yaml (required).")
    String stack;

    @Option(names = "--config", paramLabel = "PATH", description = "The file to write (default: ~/.mpi-batch/config; "
            + "its other lines are kept).")
    Path config;

    @Mixin
    OutputMixin output;

    @Override
    public Integer call() {
        Map<String, String> options;
        try (CloudFormationClient cloudFormation = parent.aws().cloudFormation()) {
            options = StackOutputs.options(cloudFormation, stack);
        }
        Path file = config != null ? config : ConfigDefaults.userConfig(parent.env);
        Properties properties = new Properties();
        try {
            if (Files.isRegularFile(file)) {
                try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
            }
            properties.putAll(options);
            if (parent.region != null) {
                properties.put("region", parent.region);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                properties.store(writer, "mpi-batch settings from stack " + stack);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the config file " + file + ": " + e.getMessage(), e);
        }
        if (output.json()) {
            com.fasterxml.jackson.databind.node.ObjectNode json = JobJson.document();
            json.put("config", file.toAbsolutePath().toString());
            json.put("stack", stack);
            var written = json.putObject("settings");
            options.forEach(written::put);
            parent.out.println(JobJson.write(json));
        } else {
            options.forEach((k, v) -> parent.out.println(k + "=" + v));
        }
        if (parent.verbosity() >= 0) {
            parent.err.println("wrote " + file + " from stack " + stack);
        }
        return ExitCodes.OK;
    }
}
