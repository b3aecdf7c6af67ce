package dev.mpibatch.plan;

/**
 * A job file or plan that cannot be used. The message names the field (and the line, where the parser knows it)
 * and says how to fix it.
 */
public class PlanException extends RuntimeException {
    public PlanException(String message) {
        super(message);
    }

    public PlanException(String message, Throwable cause) {
        super(message, cause);
    }
}
