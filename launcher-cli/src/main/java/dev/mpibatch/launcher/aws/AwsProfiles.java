package dev.mpibatch.launcher.aws;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.mpibatch.launcher.InvalidInputException;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * The AWS CLI's profile files, found from the environment it was handed (not this process's):
 * {@code AWS_CONFIG_FILE} or {@code ~/.aws/config}, {@code AWS_SHARED_CREDENTIALS_FILE} or {@code ~/.aws/credentials}.
 * Read once, on first use.
 */
final class AwsProfiles {
    private final Map<String, String> environment;
    private ProfileFile file;

    AwsProfiles(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The profile the user named: {@code explicit} (a flag), else {@code AWS_PROFILE}. */
    Optional<String> named(Optional<String> explicit) {
        return explicit.or(() -> Optional.ofNullable(environment.get("AWS_PROFILE")).filter(p -> !p.isBlank()));
    }

    /**
     * The profile {@code name}.
     *
     * @throws InvalidInputException when neither file has it, saying how to create it
     */
    Profile require(String name) {
        return profile(name).orElseThrow(() -> new InvalidInputException("profile", "AWS profile '" + name
                + "' is in neither " + configPath() + " nor " + credentialsPath() + ": create it with 'aws configure "
                + "--profile " + name + "', or check the name (aws configure list-profiles)"));
    }

    Optional<Profile> profile(String name) {
        return files().profile(name);
    }

    /** The region of profile {@code name}, if it sets one. */
    Optional<String> region(String name) {
        return profile(name).flatMap(p -> p.property("region")).filter(r -> !r.isBlank());
    }

    /** Both files as one, for the SDK's profile credentials provider. */
    synchronized ProfileFile files() {
        if (file == null) {
            ProfileFile.Aggregator aggregator = ProfileFile.aggregator();
            add(aggregator, configPath(), ProfileFile.Type.CONFIGURATION);
            add(aggregator, credentialsPath(), ProfileFile.Type.CREDENTIALS);
            file = aggregator.build();
        }
        return file;
    }

    Path configPath() {
        return path("AWS_CONFIG_FILE", "config");
    }

    Path credentialsPath() {
        return path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    }

    private Path path(String variable, String name) {
        String set = environment.get(variable);
        if (set != null && !set.isBlank()) {
            return Path.of(set);
        }
        return Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")), ".aws", name);
    }

    private static void add(ProfileFile.Aggregator aggregator, Path path, ProfileFile.Type type) {
        if (Files.isRegularFile(path)) {
            aggregator.addFile(ProfileFile.builder().content(path).type(type).build());
        }
    }
}
