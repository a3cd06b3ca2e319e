package org.cfs.backup.drill;

import java.util.List;

import org.cfs.backup.ExitCode;
import org.cfs.backup.Job;
import org.cfs.backup.JobReport;

/** {@code drill --json}: {@code {"passed", "sources": [...]}}. */
public record DrillReport(boolean passed, List<SourceDrill> sources) implements JobReport {
    /** Passed when every source passed. */
    public static DrillReport of(List<SourceDrill> sources) {
        return new DrillReport(sources.stream().allMatch(SourceDrill::passed), List.copyOf(sources));
    }

    @Override
    public Job job() {
        return Job.DRILL;
    }

    @Override
    public String problem() {
        return sources.stream().filter(s -> !s.passed()).map(s -> s.source() + ": "
                + (s.problems() == null || s.problems().isEmpty() ? "drill failed" : s.problems().get(0)))
                .findFirst().orElse(null);
    }

    /** 1 when any source failed its drill. */
    @Override
    public int exitCode() {
        return passed ? ExitCode.OK : ExitCode.FAILED;
    }
}
