package dev.mpibatch.testkit.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.mpibatch.testkit.HttpHead;

/** Which requests the emulator answers itself and which go to moto; what moto forgets of a definition. */
class FrontServerTest {
    private static HttpHead head(String text) throws Exception {
        return HttpHead.read(new ByteArrayInputStream((text + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String signedFor(String service) {
        return "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/" + service
                + "/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
    }

    @Test
    void batchJobOperations_signedForBatch_areAnsweredHere_everythingElseGoesToMoto() throws Exception {
        assertThat(FrontServer.isBatchJobCall(head("POST /v1/submitjob HTTP/1.1\r\n" + signedFor("batch")))).isTrue();
        assertThat(FrontServer.isBatchJobCall(head("POST /v1/listjobs HTTP/1.1\r\n" + signedFor("batch")))).isTrue();
        assertThat(FrontServer.isBatchJobCall(head("POST /v1/createjobqueue HTTP/1.1\r\n" + signedFor("batch"))))
                .as("queues are moto's").isFalse();
        assertThat(FrontServer.isBatchJobCall(head("POST /v1/submitjob HTTP/1.1\r\n" + signedFor("s3"))))
                .as("an S3 object v1/submitjob in a path-style bucket").isFalse();
        assertThat(FrontServer.isBatchJobCall(head("GET /v1/submitjob HTTP/1.1\r\n" + signedFor("batch")))).isFalse();
        assertThat(FrontServer.signedService("AWS4-HMAC-SHA256 Credential=A/20240101/eu-west-1/logs/aws4_request, "
                + "SignedHeaders=host, Signature=x")).isEqualTo("logs");
    }

    @Test
    void definitions_putBackTheNodePropertiesMotoLeavesOut() {
        Definitions definitions = new Definitions();
        definitions.registered("{\"jobDefinitionName\":\"d\",\"type\":\"multinode\",\"nodeProperties\":{\"numNodes\":2}}"
                .getBytes(StandardCharsets.UTF_8), "{\"jobDefinitionArn\":\"arn:d:1\"}".getBytes(StandardCharsets.UTF_8));

        String answer = new String(definitions.completeAnswer(("{\"jobDefinitions\":[{\"jobDefinitionArn\":\"arn:d:1\"},"
                + "{\"jobDefinitionArn\":\"arn:other:1\"}]}").getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);

        assertThat(answer).isEqualTo("{\"jobDefinitions\":[{\"jobDefinitionArn\":\"arn:d:1\",\"nodeProperties\":"
                + "{\"numNodes\":2}},{\"jobDefinitionArn\":\"arn:other:1\"}]}");
    }
}
