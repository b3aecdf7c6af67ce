/**
 * The mpi-batch launcher: submits MPI jobs to AWS Batch as multi-node parallel jobs and follows them.
 *
 * <p>One entry point, {@link dev.mpibatch.launcher.MpiBatchLauncher}, built from AWS SDK clients you configure;
 * {@code submit} returns a {@link dev.mpibatch.launcher.JobHandle} with the job id, its state (final states never
 * change), listeners for states, nodes and log lines, a completion future and {@code cancel}.
 *
 * <pre>{@code
 * LauncherSettings settings = LauncherSettings.builder().queue("mpi-queue").image(image).bucket("my-bucket")
 *         .jobRoleArn(jobRole).instanceType("c6i.32xlarge").build(); // vCPUs and memory follow from the type
 * try (MpiBatchLauncher launcher = new MpiBatchLauncher(batch, s3, logs, settings)) {
 *     JobHandle job = launcher.submit(PlanParser.parse(jobFile), jobFile.getParent());
 *     JobResult result = job.completion().join();
 *     System.exit(result.succeeded() ? 0 : 1);
 * }
 * }</pre>
 */
package dev.mpibatch.launcher;
