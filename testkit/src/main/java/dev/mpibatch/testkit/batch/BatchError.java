package dev.mpibatch.testkit.batch;

/**
 * An error answer of the Batch API: {@code ClientException} (HTTP 400, the caller's mistake) or
 * {@code ServerException} (HTTP 500), the only two errors Batch's job operations declare (botocore's model).
 */
final class BatchError extends RuntimeException {
    private final boolean client;

    private BatchError(boolean client, String message) {
        super(message);
        this.client = client;
    }

    /** The request is wrong: Batch answers 400 ClientException with this message. */
    static BatchError client(String message) {
        return new BatchError(true, message);
    }

    /** The emulator itself failed: 500 ServerException. */
    static BatchError server(String message) {
        return new BatchError(false, message);
    }

    int httpStatus() {
        return client ? 400 : 500;
    }

    String type() {
        return client ? "ClientException" : "ServerException";
    }
}
