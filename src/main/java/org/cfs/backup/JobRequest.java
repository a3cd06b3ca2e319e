package org.cfs.backup;

import java.util.List;

/**
 * What to run a job on and how: the sources (empty: all) and the options of its command. Built by
 * the CLI from the command line, by the daemon from the schedule, by scripts through an API.
 */
public record JobRequest(List<String> sources, boolean dryRun, boolean full, boolean force, String readDataSubset) {
    public JobRequest {
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** Every source, no option: a scheduled run. */
    public static JobRequest all() {
        return new JobRequest(List.of(), false, false, false, null);
    }

    public static JobRequest of(List<String> sources) {
        return new JobRequest(sources, false, false, false, null);
    }

    public JobRequest withDryRun(boolean value) {
        return new JobRequest(sources, value, full, force, readDataSubset);
    }

    public JobRequest withFull(boolean value) {
        return new JobRequest(sources, dryRun, value, force, readDataSubset);
    }

    public JobRequest withForce(boolean value) {
        return new JobRequest(sources, dryRun, full, value, readDataSubset);
    }

    public JobRequest withReadDataSubset(String value) {
        return new JobRequest(sources, dryRun, full, force, value);
    }
}
