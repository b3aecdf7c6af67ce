package dev.mpibatch.launcher;

import java.util.List;

import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

/**
 * Everything one submit sends, built without calling AWS (what {@code --dry-run} prints).
 *
 * @param definition the job definition to register (or reuse)
 * @param submit     the SubmitJob request; its job definition is the definition's name until registration
 * @param staged     the S3 objects it uploads
 * @param problems   what would make the job fail at start, seen without calling AWS (a submit refuses them; a dry
 *                   run shows them)
 */
public record Submission(RegisterJobDefinitionRequest definition, SubmitJobRequest submit, List<String> staged,
                         List<String> problems) {
    public Submission {
        staged = List.copyOf(staged);
        problems = List.copyOf(problems);
    }
}
