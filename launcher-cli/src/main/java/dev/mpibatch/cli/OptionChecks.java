package dev.mpibatch.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import dev.mpibatch.plan.DurationText;
import dev.mpibatch.plan.JobEnvironment;
import dev.mpibatch.plan.JobSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of option values made while the command line is parsed, so that a bad value is a usage error (exit 2,
 * "Try ... --help") naming the option, before any file is read or any client is built.
 */
final class OptionChecks {
    private OptionChecks() {
    }

    static int nodes(CommandSpec spec, int nodes) {
        if (nodes < 1 || nodes > JobSpec.MAX_NODES) {
            throw new ParameterException(spec.commandLine(), "--nodes " + nodes + ": use 1 to " + JobSpec.MAX_NODES);
        }
        return nodes;
    }

    static int atLeastOne(CommandSpec spec, String option, int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " " + value + ": use at least 1");
        }
        return value;
    }

    /** An endpoint is an http(s) URL with a host, such as {@code http://127.0.0.1:5000}. */
    static String endpoint(CommandSpec spec, String option, String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return url;
            }
        } catch (URISyntaxException e) {
            // the same message as any other malformed value
        }
        // A password in the URL is not repeated back: what precedes an '@' after the scheme is masked.
        String shown = url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1***@");
        throw new ParameterException(spec.commandLine(), option + " '" + shown
                + "' is not an endpoint URL: use http://host:port or https://host");
    }

    static Duration duration(CommandSpec spec, String option, String text) {
        return parsed(spec, option + " ", text, DurationText::parse);
    }

    /**
     * {@code parser}'s value for {@code text}, or a usage error with {@code prefix} and the parser's message;
     * {@code null} stays {@code null} (an option left out).
     */
    static <T> T parsed(CommandSpec spec, String prefix, String text, Function<String, T> parser) {
        if (text == null) {
            return null;
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), prefix + e.getMessage());
        }
    }

    /**
     * {@code values} of {@code --env}, when every name and value follows the job's rules ({@link JobEnvironment}),
     * the same as the job file's {@code env}.
     */
    static Map<String, String> env(CommandSpec spec, Map<String, String> values) {
        values.forEach((name, value) -> {
            JobEnvironment.nameProblem(name).or(() -> JobEnvironment.valueProblem(value)).ifPresent(problem -> {
                throw new ParameterException(spec.commandLine(), "--env " + name + ": " + problem);
            });
        });
        return values;
    }

    /** A usage error when two options that exclude each other were both given on the command line. */
    static void exclusive(CommandSpec spec, String first, String second, String why) {
        var parsed = spec.commandLine().getParseResult();
        if (parsed != null && parsed.hasMatchedOption(first) && parsed.hasMatchedOption(second)) {
            throw new ParameterException(spec.commandLine(), first + " and " + second + " exclude each other: " + why);
        }
    }
}
