package dev.mpibatch.launcher;

/** Batch does not know the job in the region (and at the endpoint) asked. CLI exit code 3. */
public class JobNotFoundException extends LauncherException {
    private final String jobId;
    private final String region;

    public JobNotFoundException(String jobId, String region) {
        super("job " + jobId + " not found in region " + region + ": check the job id and the region");
        this.jobId = jobId;
        this.region = region;
    }

    public String jobId() {
        return jobId;
    }

    /** The region that was asked. */
    public String region() {
        return region;
    }
}
