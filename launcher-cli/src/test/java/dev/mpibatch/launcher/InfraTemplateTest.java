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
            "AWS::EC2::SecurityGroupEgress", List.of("IpProtocol", "GroupId"),
            "AWS::EC2::VPCEndpoint", List.of("ServiceName", "VpcId"),
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

    @Test
    void computeEnvironment_usesOneSubnet_forItsClusterPlacementGroup() {
        JsonNode subnet = template.path("Parameters").path("SubnetId");
        assertThat(subnet.path("Type").asText()).as("one subnet, not a list: a cluster placement group is in one AZ")
                .isEqualTo("AWS::EC2::Subnet::Id");
        assertThat(template.path("Parameters").has("SubnetIds")).isFalse();
        JsonNode resources = template.path("Resources").path("ComputeEnvironment").path("Properties")
                .path("ComputeResources");
        assertThat(resources.path("Subnets").toString()).isEqualTo("[{\"Ref\":\"SubnetId\"}]");
        assertThat(resources.path("PlacementGroup").path("Ref").asText()).isEqualTo("PlacementGroup");
    }

    @Test
    void nodeSecurityGroup_staysOnTheNodesInEfaMode_andAllowsAllTrafficToAndFromItself() {
        JsonNode resources = template.path("Resources");
        JsonNode groups = resources.path("ComputeEnvironment").path("Properties").path("ComputeResources")
                .path("SecurityGroupIds");
        assertThat(groups.toString()).as("no Fn::If that drops the group with EFA")
                .isEqualTo("[{\"Ref\":\"NodeSecurityGroup\"}]");
        List<String> selfRules = new ArrayList<>();
        resources.fields().forEachRemaining(e -> {
            JsonNode properties = e.getValue().path("Properties");
            boolean self = properties.path("GroupId").path("Ref").asText().equals("NodeSecurityGroup")
                    && properties.path("IpProtocol").asText().equals("-1")
                    && (properties.path("SourceSecurityGroupId").path("Ref").asText().equals("NodeSecurityGroup")
                    || properties.path("DestinationSecurityGroupId").path("Ref").asText().equals("NodeSecurityGroup"));
            if (self) {
                selfRules.add(e.getValue().path("Type").asText());
            }
        });
        assertThat(selfRules).containsExactlyInAnyOrder("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress");
    }

    @Test
    void s3GatewayEndpoint_isAddedToTheGivenRouteTables() {
        JsonNode endpoint = template.path("Resources").path("S3Endpoint");
        assertThat(endpoint.path("Type").asText()).isEqualTo("AWS::EC2::VPCEndpoint");
        assertThat(endpoint.path("Properties").path("VpcEndpointType").asText()).isEqualTo("Gateway");
        assertThat(endpoint.path("Properties").path("ServiceName").path("Fn::Sub").asText())
                .isEqualTo("com.amazonaws.${AWS::Region}.s3");
        assertThat(endpoint.path("Properties").path("RouteTableIds").path("Ref").asText()).isEqualTo("RouteTableIds");
        String condition = endpoint.path("Condition").asText();
        assertThat(template.path("Conditions").path(condition).toString()).contains("RouteTableIds");
        assertThat(template.path("Parameters").path("RouteTableIds").path("Default").asText())
                .as("optional: a NAT gateway also reaches S3").isEmpty();
    }

    @Test
    void jobRole_reachesOnlyTheMpiBatchPrefixOfItsOneBucket() {
        JsonNode resources = template.path("Resources");
        JsonNode role = resources.path("JobRole").path("Properties");
        assertThat(role.has("ManagedPolicyArns")).as("managed policies grant more than the prefix").isFalse();
        assertThat(template.path("Parameters").path("Prefix").path("Default").asText()).isEqualTo("mpi-batch");
        Pattern allowed = Pattern.compile(template.path("Parameters").path("Prefix").path("AllowedPattern").asText());
        assertThat(allowed.matcher("mpi-batch").matches()).isTrue();
        assertThat(List.of("*", "", "mpi-batch/*", "a/../b")).as("prefixes that would widen the role")
                .noneMatch(p -> allowed.matcher(p).matches());
        List<JsonNode> statements = new ArrayList<>();
        role.path("Policies").forEach(policy -> policy.path("PolicyDocument").path("Statement").forEach(statements::add));
        assertThat(statements).isNotEmpty();
        for (JsonNode statement : statements) {
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            List<String> actions = new ArrayList<>();
            JsonNode action = statement.path("Action");
            if (action.isArray()) {
                action.forEach(a -> actions.add(a.asText()));
            } else {
                actions.add(action.asText());
            }
            assertThat(actions).allMatch(a -> a.startsWith("s3:") && !a.contains("*"));
            JsonNode resource = statement.path("Resource");
            assertThat(resource.isArray()).as("one resource per statement").isFalse();
            if (resource.has("Fn::Sub")) {
                assertThat(resource.path("Fn::Sub").asText()).as("objects: the prefix only").isEqualTo("${Bucket.Arn}/${Prefix}/*");
                assertThat(actions).isSubsetOf("s3:GetObject", "s3:PutObject", "s3:DeleteObject");
            } else {
                assertThat(resource.path("Fn::GetAtt").toString()).as("the bucket itself").isEqualTo("[\"Bucket\",\"Arn\"]");
                assertThat(actions).containsExactly("s3:ListBucket");
                assertThat(statement.path("Condition").path("StringLike").path("s3:prefix").path("Fn::Sub").asText())
                        .as("listing limited to the prefix").isEqualTo("${Prefix}/*");
            }
        }
        long buckets = iterable(resources.fields()).stream()
                .filter(e -> e.getValue().path("Type").asText().equals("AWS::S3::Bucket")).count();
        assertThat(buckets).as("one bucket").isEqualTo(1);
    }

    private static <T> List<T> iterable(Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
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
