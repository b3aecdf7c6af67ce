package dev.mpibatch.launcher;

import java.util.Optional;

/**
 * Input that cannot be used (a setting, an option's value, a file of the job): nothing was sent or created. The
 * message names the value and says how to fix it; {@link #setting()} names the setting at fault when there is one
 * (as its option name without dashes, e.g. {@code vcpus}), so that the CLI can say where its value came from.
 * CLI exit code 2.
 */
public class InvalidInputException extends IllegalArgumentException {
    private final String setting;

    public InvalidInputException(String message) {
        this(null, message);
    }

    /** @param setting the setting at fault, named like its option without dashes ({@code bucket}), or null */
    public InvalidInputException(String setting, String message) {
        super(message);
        this.setting = setting;
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
        this.setting = null;
    }

    /** The setting at fault (its option name without dashes), when one is. */
    public Optional<String> setting() {
        return Optional.ofNullable(setting);
    }
}
