package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The infra template read as CloudFormation would: every reference resolves, every resource has what it needs. */
class InfraTemplateTest {
    private static final Set<String> PSEUDO = Set.of("AWS::StackName", "AWS::Region", "AWS::AccountId", "AWS::NoValue",
            "AWS::Partition", "AWS::URLSuffix", "AWS::StackId");
    private static final Map<String, List<String>> REQUIRED = Map.of(
            "AWS::IAM::Role", List.of("AssumeRolePolicyDocument"),
            "AWS::IAM::InstanceProfile", List.of("Roles"),
            "AWS::EC2::SecurityGroup", List.of("GroupDescription", "VpcId"),
            "AWS::EC2::SecurityGroupIngress", List.of("IpProtocol", "GroupId"),
            "AWS::Batch::ComputeEnvironment", List.of("Type", "ComputeResources"),
            "AWS::Batch::JobQueue", List.of("Priority", "ComputeEnvironmentOrder"),
            "AWS::EC2::LaunchTemplate", List.of("LaunchTemplateData"));

    private final JsonNode template;

    InfraTemplateTest() throws Exception {
        template = new ObjectMapper(new YAMLFactory()).readTree(
                Files.readString(Path.of(System.getProperty("mpiBatch.infra", "../infra")).resolve("mpi-batch.yaml")));
    }

    @Test
    void everyReferenceResolves() {
        List<String> problems = new ArrayList<>();
        walk(template.path("Resources"), problems);
        walk(template.path("Outputs"), problems);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyResourceHasItsRequiredProperties() {
        Iterator<Map.Entry<String, JsonNode>> resources = template.path("Resources").fields();
        while (resources.hasNext()) {
            Map.Entry<String, JsonNode> resource = resources.next();
            for (String property : REQUIRED.getOrDefault(resource.getValue().path("Type").asText(), List.of())) {
                assertThat(resource.getValue().path("Properties").has(property))
                        .as(resource.getKey() + " needs " + property).isTrue();
            }
        }
    }

    @Test
    void securityAsPromised() {
        JsonNode resources = template.path("Resources");
        JsonNode bucket = resources.path("Bucket").path("Properties");
        assertThat(bucket.path("BucketEncryption").toString()).contains("AES256");
        assertThat(bucket.path("PublicAccessBlockConfiguration").toString()).doesNotContain("false");
        assertThat(bucket.path("LifecycleConfiguration").toString()).contains("/rendezvous/");
        String jobRole = resources.path("JobRole").toString();
        assertThat(jobRole).contains("${Bucket.Arn}/${Prefix}/*").contains("s3:prefix").doesNotContain("\"s3:*\"");
        assertThat(resources.path("NodeSecurityGroupSelfIngress").toString()).contains("SourceSecurityGroupId");
        assertThat(resources.path("PlacementGroup").path("Properties").path("Strategy").asText()).isEqualTo("cluster");
        assertThat(template.path("Outputs").fieldNames()).toIterable().contains("Queue", "Bucket", "JobRoleArn", "LogGroup");
    }

    private void walk(JsonNode node, List<String> problems) {
        if (node.isObject()) {
            if (node.has("Ref")) {
                check(node.get("Ref").asText(), problems);
            }
            if (node.has("Fn::GetAtt")) {
                String resource = node.get("Fn::GetAtt").get(0).asText();
                if (!template.path("Resources").has(resource)) {
                    problems.add("GetAtt of unknown resource " + resource);
                }
            }
            if (node.has("Fn::Sub")) {
                Matcher m = Pattern.compile("\\$\\{([^}.]+)(\\.[^}]+)?}").matcher(node.get("Fn::Sub").asText());
                while (m.find()) {
                    check(m.group(1), problems);
                }
            }
            if (node.has("Fn::If")) {
                String condition = node.get("Fn::If").get(0).asText();
                if (!template.path("Conditions").has(condition)) {
                    problems.add("unknown condition " + condition);
                }
            }
            node.fields().forEachRemaining(e -> walk(e.getValue(), problems));
        } else if (node.isArray()) {
            node.forEach(child -> walk(child, problems));
        }
    }

    private void check(String name, List<String> problems) {
        if (!PSEUDO.contains(name) && !template.path("Parameters").has(name) && !template.path("Resources").has(name)) {
            problems.add("Ref to unknown " + name);
        }
    }
}
