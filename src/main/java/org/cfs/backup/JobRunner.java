package org.cfs.backup;

/**
 * Runs one job and returns its typed report: the same code path for the CLI, the daemon and the
 * web console (lock, operation, run history, alert policy). Throws CfsException when the job could
 * not run at all; the policy has then already raised {@code job-failed:JOB}.
 */
public interface JobRunner {
    JobReport run(Job job, JobRequest request);
}
