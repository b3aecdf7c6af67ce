package dev.mpibatch.launcher;

/** AWS (or an emulator) refused or failed a request; the message says what and what to do. CLI exit code 3. */
public class LauncherException extends RuntimeException {
    public LauncherException(String message) {
        super(message);
    }

    public LauncherException(String message, Throwable cause) {
        super(message, cause);
    }
}
