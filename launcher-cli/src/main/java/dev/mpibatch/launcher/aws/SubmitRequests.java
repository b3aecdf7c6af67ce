package dev.mpibatch.launcher.aws;

import java.util.ArrayList;
import java.util.List;

import dev.mpibatch.agent.AgentEnv;
import dev.mpibatch.launcher.LauncherSettings;
import dev.mpibatch.plan.JobSpec;
import software.amazon.awssdk.services.batch.model.ContainerOverrides;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.NodeOverrides;
import software.amazon.awssdk.services.batch.model.NodePropertyOverride;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

/**
 * The SubmitJob request of a job: the node count and the per-submit environment (region, where the plan, files and
 * rendezvous are, the S3 endpoint when it is not AWS's, the user's variables) as node overrides, so one job definition serves every submit.
 */
public final class SubmitRequests {
    private SubmitRequests() {
    }

    /** The SubmitJob request of {@code spec}; its nodes are told {@code region}. */
    public static SubmitJobRequest request(JobSpec spec, String definitionName, Staging staging,
                                           LauncherSettings settings, String region) {
        List<KeyValuePair> environment = new ArrayList<>();
        // A user's own AWS_REGION or AWS_DEFAULT_REGION (settings' environment) wins.
        if (!settings.environment().containsKey("AWS_REGION")) {
            environment.add(pair("AWS_REGION", region));
        }
        if (!settings.environment().containsKey("AWS_DEFAULT_REGION")) {
            environment.add(pair("AWS_DEFAULT_REGION", region));
        }
        environment.add(pair(AgentEnv.PLAN, staging.planUri()));
        if (!spec.files().isEmpty()) {
            environment.add(pair(AgentEnv.FILES, staging.filesUri()));
        }
        environment.add(pair(AgentEnv.RENDEZVOUS, "s3://" + settings.bucket() + "/"
                + (settings.prefix().isEmpty() ? "" : settings.prefix() + "/") + "rendezvous"));
        // With an emulator's endpoint the nodes read the plan and rendezvous where the launcher wrote them.
        settings.s3Endpoint().ifPresent(url -> environment.add(pair(AgentEnv.S3_ENDPOINT, url)));
        settings.environment().forEach((k, v) -> environment.add(pair(k, v)));
        SubmitJobRequest.Builder submit = SubmitJobRequest.builder()
                .jobName(spec.name())
                .jobQueue(settings.queue())
                .jobDefinition(definitionName)
                .nodeOverrides(NodeOverrides.builder().numNodes(spec.nodes())
                        .nodePropertyOverrides(NodePropertyOverride.builder().targetNodes("0:")
                                .containerOverrides(ContainerOverrides.builder().environment(environment).build())
                                .build())
                        .build())
                .retryStrategy(r -> r.attempts(settings.retryAttempts()))
                .propagateTags(true);
        // Batch's model wants at least one tag in a tags map: an empty one is left out, not sent as {}.
        if (!settings.tags().isEmpty()) {
            submit.tags(settings.tags());
        }
        settings.attemptTimeout().ifPresent(t -> submit.timeout(b -> b.attemptDurationSeconds((int) t.toSeconds())));
        settings.shareIdentifier().ifPresent(submit::shareIdentifier);
        return submit.build();
    }

    private static KeyValuePair pair(String name, String value) {
        return KeyValuePair.builder().name(name).value(value).build();
    }
}
