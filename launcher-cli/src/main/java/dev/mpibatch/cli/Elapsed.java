package dev.mpibatch.cli;

import java.time.Duration;
import java.util.Locale;

/** Elapsed times as a person reads them in a summary: {@code 850ms}, {@code 12.3s}, {@code 4m05s}, {@code 2h10m}. */
final class Elapsed {
    private Elapsed() {
    }

    static String of(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
