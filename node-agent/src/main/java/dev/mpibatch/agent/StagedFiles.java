package dev.mpibatch.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Supplier;

import dev.mpibatch.agent.rendezvous.S3Location;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/** Brings the job's staged files (uploaded by the launcher) into this node's working directory. */
final class StagedFiles {
    private StagedFiles() {
    }

    static void fetch(String location, List<String> files, Path workDir, Supplier<S3Client> s3) {
        for (String file : files) {
            Path target = workDir.resolve(file).normalize();
            if (!target.startsWith(workDir)) {
                throw new IllegalArgumentException("staged file " + file + " escapes the working directory");
            }
            try {
                Files.createDirectories(target.getParent());
                if (location.startsWith("s3://")) {
                    S3Location s3Location = S3Location.parse(location);
                    Files.deleteIfExists(target);
                    s3.get().getObject(b -> b.bucket(s3Location.bucket()).key(s3Location.keyPrefix() + file), target);
                } else {
                    Files.copy(Path.of(location).resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stage " + file + " into " + workDir + ": " + e.getMessage(), e);
            } catch (SdkException e) {
                throw new IllegalStateException("cannot download the staged file " + location + file + ": "
                        + e.getMessage(), e);
            }
        }
    }
}
