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
        description = "Write the config file (~/.mpi-batch/config) from the outputs of the infra/ stack.")
final class ConfigureCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Option(names = "--stack", paramLabel = "NAME", required = true, description = "The CloudFormation stack of infra/mpi-batch.yaml.")
    String stack;

    @Option(names = "--config", paramLabel = "PATH", description = "The file to write (default: ~/.mpi-batch/config).")
    Path config;

    @Mixin
    AwsMixin aws;

    @Override
    public Integer call() {
        Map<String, String> options;
        try (CloudFormationClient cloudFormation = aws.clients(parent.env).cloudFormation()) {
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
            if (aws.region != null) {
                properties.put("region", aws.region);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                properties.store(writer, "mpi-batch settings from stack " + stack);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        options.forEach((k, v) -> parent.out.println(k + "=" + v));
        parent.err.println("wrote " + file + " from stack " + stack);
        return ExitCodes.OK;
    }
}
