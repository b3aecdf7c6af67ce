package dev.mpibatch.cli;

import picocli.CommandLine.Option;

/** {@code -o/--output text|json}, for every command that prints data. */
final class OutputMixin {
    /** The formats; JSON documents have a stable shape (README: JSON output). */
    enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (a stable shape with ISO-8601 times and null for what is not known; "
                    + "README: JSON output). Default: ${DEFAULT-VALUE}.")
    Format format = Format.text;

    boolean json() {
        return format == Format.json;
    }
}
