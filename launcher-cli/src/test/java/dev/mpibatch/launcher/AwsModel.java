package dev.mpibatch.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * AWS's own service models (botocore's {@code service-2.json}, as the AWS CLI ships them) used to check the
 * requests the launcher sends: required members, string lengths and patterns, enums, number ranges, and the sizes of
 * lists and maps. The SDK checks none of these before sending; AWS refuses a request that breaks one, and emulators
 * such as moto often accept it, so only this check finds it before a real account does.
 */
final class AwsModel {
    /** SDK package ({@code software.amazon.awssdk.services.X.model}) to botocore's service directory. */
    private static final Map<String, String> SERVICES = Map.of("batch", "batch", "s3", "s3",
            "cloudwatchlogs", "logs", "cloudformation", "cloudformation");
    private static final List<String> KNOWN_PLACES = List.of("/usr/lib/python3/dist-packages/botocore/data",
            "/usr/lib/python3/dist-packages/awscli/botocore/data");

    private final Path data;
    private final Map<String, JsonNode> models = new HashMap<>();

    private AwsModel(Path data) {
        this.data = data;
    }

    /**
     * botocore's data directory: {@code -DmpiBatch.botocoreData}, else the one of the {@code botocore} that
     * {@code python3} imports, else Debian's (python3-botocore, or the copy inside Debian's awscli package).
     */
    static Optional<AwsModel> find() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty("mpiBatch.botocoreData")).map(Path::of).ifPresent(candidates::add);
        pythonBotocore().ifPresent(candidates::add);
        KNOWN_PLACES.forEach(p -> candidates.add(Path.of(p)));
        return candidates.stream().filter(p -> serviceFile(p, "batch").isPresent()).findFirst().map(AwsModel::new);
    }

    /**
     * Asserts that every request in {@code sent} that this model covers is valid, and that the operations
     * {@code expected} were among them (so that a check that saw nothing does not pass). Skips (fails in CI) when
     * botocore's models are not on the machine.
     */
    static void assertAllValid(List<SdkRequest> sent, String... expected) {
        AwsModel model = find().orElse(null);
        dev.mpibatch.testing.Requirements.require(model != null, "botocore's service models (Debian: apt-get install "
                + "awscli, which bin/test installs; or python3 -m pip install botocore)");
        Map<String, List<String>> violations = new java.util.LinkedHashMap<>();
        java.util.TreeSet<String> operations = new java.util.TreeSet<>();
        for (SdkRequest request : sent) {
            if (covers(request)) {
                operations.add(operation(request));
                List<String> found = model.violations(request);
                if (!found.isEmpty()) {
                    violations.put(operation(request) + " " + request, found);
                }
            }
        }
        System.out.println("checked " + sent.size() + " requests against " + model.data() + ": " + operations);
        org.assertj.core.api.Assertions.assertThat(operations).as("what the commands sent").contains(expected);
        org.assertj.core.api.Assertions.assertThat(violations).as("requests AWS would refuse").isEmpty();
    }

    /** Where the models were found (for messages). */
    Path data() {
        return data;
    }

    private static Optional<Path> pythonBotocore() {
        try {
            Process python = new ProcessBuilder("python3", "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))")
                    .redirectErrorStream(true).start();
            String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!python.waitFor(30, TimeUnit.SECONDS) || python.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(Path.of(out, "data"));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The newest API version's service-2.json (plain, or gzipped as pip's botocore ships it). */
    private static Optional<Path> serviceFile(Path data, String service) {
        Path dir = data.resolve(service);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(dir)) {
            return versions.filter(Files::isDirectory).sorted(java.util.Comparator.reverseOrder())
                    .flatMap(v -> Stream.of(v.resolve("service-2.json"), v.resolve("service-2.json.gz")))
                    .filter(Files::isRegularFile).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private JsonNode model(String service) {
        return models.computeIfAbsent(service, s -> {
            Path file = serviceFile(data, s).orElseThrow(() -> new IllegalStateException("no model of " + s + " in " + data));
            try (InputStream in = Files.newInputStream(file);
                 InputStream plain = file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in) {
                return new ObjectMapper().readTree(plain);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        });
    }

    /** Whether requests of this type are checked here (the launcher's services). */
    static boolean covers(SdkRequest request) {
        return SERVICES.containsKey(serviceKey(request));
    }

    private static String serviceKey(SdkRequest request) {
        String pkg = request.getClass().getPackageName(); // software.amazon.awssdk.services.batch.model
        String[] parts = pkg.split("\\.");
        return parts.length >= 5 ? parts[4] : "";
    }

    /** The operation a request is for, as the model names it ({@code batch:SubmitJob}). */
    static String operation(SdkRequest request) {
        String name = request.getClass().getSimpleName();
        return SERVICES.get(serviceKey(request)) + ":" + name.substring(0, name.length() - "Request".length());
    }

    /** Everything in {@code request} that its operation's input shape does not allow; empty when valid. */
    List<String> violations(SdkRequest request) {
        String service = SERVICES.get(serviceKey(request));
        String operation = operation(request).substring(service.length() + 1);
        JsonNode model = model(service);
        JsonNode op = model.path("operations").path(operation);
        List<String> problems = new ArrayList<>();
        if (op.isMissingNode()) {
            problems.add(service + ":" + operation + ": no such operation in " + data);
            return problems;
        }
        check(model, request, op.path("input").path("shape").asText(), service + ":" + operation, problems);
        return problems;
    }

    private void check(JsonNode model, Object value, String shapeName, String path, List<String> problems) {
        JsonNode shape = model.path("shapes").path(shapeName);
        switch (shape.path("type").asText()) {
            case "structure" -> structure(model, (SdkPojo) value, shape, path, problems);
            case "string" -> string(String.valueOf(value), shape, path, problems);
            case "integer", "long" -> range(((Number) value).longValue(), shape, path, problems);
            case "list" -> {
                Collection<?> list = (Collection<?>) value;
                size(list.size(), shape, path, "list", problems);
                int i = 0;
                for (Object member : list) {
                    check(model, member, shape.path("member").path("shape").asText(), path + "[" + i++ + "]", problems);
                }
            }
            case "map" -> {
                Map<?, ?> map = (Map<?, ?>) value;
                size(map.size(), shape, path, "map", problems);
                map.forEach((k, v) -> {
                    check(model, k, shape.path("key").path("shape").asText(), path + ".key(" + k + ")", problems);
                    check(model, v, shape.path("value").path("shape").asText(), path + "[" + k + "]", problems);
                });
            }
            default -> {
                // boolean, timestamp, blob, double: nothing the model limits here
            }
        }
    }

    private void structure(JsonNode model, SdkPojo pojo, JsonNode shape, String path, List<String> problems) {
        Map<String, Object> present = new HashMap<>();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            // The SDK sends neither unset members nor collections it made up itself (auto-construct).
            if (value != null && !(value instanceof SdkAutoConstructList) && !(value instanceof SdkAutoConstructMap)) {
                present.put(field.memberName(), value);
            }
        }
        shape.path("required").forEach(r -> {
            if (!present.containsKey(r.asText())) {
                problems.add(path + "." + r.asText() + ": required by the model, not sent");
            }
        });
        present.forEach((name, value) -> {
            JsonNode member = shape.path("members").path(name);
            if (member.isMissingNode()) {
                problems.add(path + "." + name + ": not a member in this model (" + data + ")");
            } else {
                check(model, value, member.path("shape").asText(), path + "." + name, problems);
            }
        });
    }

    private static void string(String value, JsonNode shape, String path, List<String> problems) {
        size(value.codePointCount(0, value.length()), shape, path, "string of length", problems);
        if (shape.has("enum")) {
            List<String> allowed = new ArrayList<>();
            shape.path("enum").forEach(e -> allowed.add(e.asText()));
            if (!allowed.contains(value)) {
                problems.add(path + ": '" + value + "' is not one of " + allowed);
            }
        }
        if (shape.has("pattern")) {
            try {
                if (!Pattern.compile(shape.path("pattern").asText()).matcher(value).find()) {
                    problems.add(path + ": '" + value + "' does not match " + shape.path("pattern").asText());
                }
            } catch (PatternSyntaxException e) {
                // a pattern Java cannot read is left unchecked rather than guessed at
            }
        }
    }

    private static void range(long value, JsonNode shape, String path, List<String> problems) {
        if (shape.has("min") && value < shape.path("min").asDouble()) {
            problems.add(path + ": " + value + " is below the model's min " + shape.path("min").asText());
        }
        if (shape.has("max") && value > shape.path("max").asDouble()) {
            problems.add(path + ": " + value + " is above the model's max " + shape.path("max").asText());
        }
    }

    private static void size(int size, JsonNode shape, String path, String what, List<String> problems) {
        if (shape.has("min") && size < shape.path("min").asLong()) {
            problems.add(path + ": " + what + " " + size + ", the model's min is " + shape.path("min").asText());
        }
        if (shape.has("max") && size > shape.path("max").asLong()) {
            problems.add(path + ": " + what + " " + size + ", the model's max is " + shape.path("max").asText());
        }
    }
}
