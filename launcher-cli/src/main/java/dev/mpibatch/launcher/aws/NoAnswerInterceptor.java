package dev.mpibatch.launcher.aws;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import dev.mpibatch.agent.rendezvous.NoAnswer;

/**
 * Turns a call that got no answer (the SDK says only "Client execution did not complete before the specified
 * timeout configuration" or "Connect timed out") into a message naming the endpoint, the service, the operation
 * and the bound, so that a user knows what was silent.
 */
final class NoAnswerInterceptor implements ExecutionInterceptor {
    private final String endpoint;

    /** @param endpoint where the client's calls go, without user info */
    NoAnswerInterceptor(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable failure = context.exception();
        if (!(failure instanceof SdkException sdk) || !NoAnswer.is(sdk)) {
            return failure;
        }
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        // The same class with a better message: the SDK requires an interceptor to keep the exception's type.
        return sdk.toBuilder()
                .message("no answer from " + endpoint + " to " + service + " " + operation + " within "
                        + NoAnswer.seconds(AwsClients.CALL_TIMEOUT) + " (each attempt at most "
                        + NoAnswer.seconds(AwsClients.ATTEMPT_TIMEOUT) + "; " + failure.getMessage()
                        + "): check --endpoint-url or the region, the network and any proxy")
                .build();
    }
}
