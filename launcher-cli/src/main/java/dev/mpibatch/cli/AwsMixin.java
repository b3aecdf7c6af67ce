package dev.mpibatch.cli;

import java.util.Map;
import java.util.Optional;

import dev.mpibatch.launcher.aws.AwsClients;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where AWS is: shared by every command that calls it. */
final class AwsMixin {
    @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: AWS_REGION or the SDK's configuration).")
    String region;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    String endpointUrl;

    @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send every AWS request here (an emulator such as moto).")
    void endpointUrl(String url) {
        endpointUrl = OptionChecks.endpoint(mixee, "--endpoint-url", url);
    }

    @Option(names = "--profile", paramLabel = "NAME", description = "Named AWS profile for credentials.")
    String profile;

    AwsClients clients(Map<String, String> env) {
        return new AwsClients(Optional.ofNullable(region), Optional.ofNullable(endpointUrl), Optional.ofNullable(profile), env);
    }
}
