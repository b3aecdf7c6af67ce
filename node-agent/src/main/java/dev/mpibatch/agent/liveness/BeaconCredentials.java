package dev.mpibatch.agent.liveness;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How a worker proves to the main node's beacon that it is node {@code index} of this job attempt.
 *
 * @param jobId        the multi-node job id
 * @param attempt      the job attempt
 * @param index        this worker's node index
 * @param localAddress this node's cluster address: the connection comes from it, the address in its record
 * @param signer       signs data with this node's host key (SSH wire format), e.g.
 *                     {@code data -> NodeSignatures.sign(hostKeyFile, data)}
 */
public record BeaconCredentials(String jobId, int attempt, int index, String localAddress, UnaryOperator<byte[]> signer) {
    public BeaconCredentials {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(signer, "signer");
    }

    byte[] answer(byte[] nonce) {
        return BeaconHandshake.answer(index, signer.apply(BeaconHandshake.signedData(jobId, attempt, index, nonce)));
    }
}
