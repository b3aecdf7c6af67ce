package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** infra/mpi-batch.yaml deployed with CloudFormation in moto, then used as a user would: configure, submit --wait. */
class InfraMotoIT {
    @TempDir
    Path home;

    @Test
    void stack_deploysConfiguresAndRunsAJob() throws Exception {
        try (MotoServer moto = MotoServer.start(); CloudFormationClient cloudFormation = moto.clients().cloudFormation();
             Ec2Client ec2 = Ec2Client.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1)
                     .endpointOverride(java.net.URI.create(moto.endpoint()))
                     .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                             software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("testing", "testing")))
                     .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()) {
            String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
            String subnet = ec2.describeSubnets().subnets().get(0).subnetId();
            String routeTable = ec2.describeRouteTables().routeTables().get(0).routeTableId();
            String body = template();
            cloudFormation.createStack(b -> b.stackName("mpi").templateBody(body)
                    .capabilities(Capability.CAPABILITY_IAM)
                    .parameters(Parameter.builder().parameterKey("VpcId").parameterValue(vpc).build(),
                            Parameter.builder().parameterKey("SubnetId").parameterValue(subnet).build(),
                            Parameter.builder().parameterKey("RouteTableIds").parameterValue(routeTable).build()));
            String status = "";
            for (int i = 0; i < 100 && !status.endsWith("COMPLETE") && !status.endsWith("FAILED"); i++) {
                Thread.sleep(100);
                status = cloudFormation.describeStacks(b -> b.stackName("mpi")).stacks().get(0).stackStatusAsString();
            }
            assertThat(status).isEqualTo("CREATE_COMPLETE");
            assertThat(ec2.describeVpcEndpoints().vpcEndpoints()).as("the S3 gateway endpoint on the given route table")
                    .anyMatch(e -> e.serviceName().equals("com.amazonaws.us-east-1.s3") && e.routeTableIds().contains(routeTable));

            Map<String, String> env = new HashMap<>(moto.env());
            env.put("HOME", home.toString());
            Cli configure = Cli.run(env, moto.awsArgs(), "configure", "--stack", "mpi");
            assertThat(configure.exitCode()).isZero();
            String config = Files.readString(home.resolve(".mpi-batch/config"));
            assertThat(config).contains("queue=arn\\:aws\\:batch\\:us-east-1\\:123456789012\\:job-queue/mpi-JobQueue")
                    .contains("bucket=mpi-bucket-").contains("job-role-arn=").contains("log-group=/aws/batch/mpi")
                    .contains("instance-type=c6i.2xlarge");

            // Only the image and the emulator's endpoint on the command line: the rest comes from the config file.
            List<String> tail = new java.util.ArrayList<>(List.of("--image", "img:1", "--wait"));
            tail.addAll(moto.awsArgs());
            Cli submit = Cli.run(env, tail, "submit", MotoServer.cHello().toString());
            assertThat(submit.exitCode()).as(submit.err()).isZero();
            assertThat(submit.err()).contains("SUCCEEDED");
        }
    }

    static String template() throws Exception {
        return Files.readString(Path.of(System.getProperty("mpiBatch.infra", "../infra")).resolve("mpi-batch.yaml"));
    }
}
