package dev.mpibatch.testkit.batch;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a failed attempt is tried again: "If the value of attempts is greater than one, the job is retried on
 * failure the same number of attempts as the value"; {@code evaluateOnExit} conditions are matched in order (exit
 * code, reason and status reason globs, a trailing '*' matching any rest), the first match's action (RETRY or EXIT,
 * not case sensitive) decides, and "If none of the listed conditions match, then the job is retried" (API reference,
 * RetryStrategy and EvaluateOnExit). Only the main node's failure counts: "Child node failures don't cause more
 * attempts" (user guide, "Multi-node parallel jobs").
 *
 * @param attempts       the most attempts, 1 to 10
 * @param evaluateOnExit the conditions, possibly empty
 */
record Retries(int attempts, JsonNode evaluateOnExit) {

    /** From the SubmitJob's retryStrategy, else the definition's; one attempt when neither has one. */
    static Retries of(JsonNode submit, JsonNode definition) {
        JsonNode strategy = submit.has("retryStrategy") ? submit.path("retryStrategy") : definition.path("retryStrategy");
        int attempts = strategy.path("attempts").asInt(1);
        if (attempts < 1 || attempts > 10) {
            throw BatchError.client("retryStrategy.attempts " + attempts + ": you can specify between 1 and 10 attempts");
        }
        return new Retries(attempts, strategy.path("evaluateOnExit"));
    }

    /** Whether attempt {@code attempt} (from 1), which failed this way, is followed by another. */
    boolean retry(int attempt, Integer exitCode, String reason, String statusReason) {
        if (attempt >= attempts) {
            return false;
        }
        for (JsonNode condition : evaluateOnExit) {
            if (matches(condition.path("onExitCode"), exitCode == null ? null : Integer.toString(exitCode))
                    && matches(condition.path("onReason"), reason)
                    && matches(condition.path("onStatusReason"), statusReason)) {
                return "RETRY".equalsIgnoreCase(condition.path("action").asText());
            }
        }
        return true;
    }

    private static boolean matches(JsonNode pattern, String value) {
        if (pattern.isMissingNode() || pattern.isNull()) {
            return true;
        }
        if (value == null) {
            return false;
        }
        String glob = pattern.asText();
        return glob.endsWith("*") ? value.startsWith(glob.substring(0, glob.length() - 1)) : value.equals(glob);
    }
}
