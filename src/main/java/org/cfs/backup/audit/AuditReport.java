package org.cfs.backup.audit;

import java.util.List;

import org.cfs.backup.ExitCode;
import org.cfs.backup.Job;
import org.cfs.backup.JobReport;

/**
 * The result of one audit run: every finding, allowed ones included (listed, not hidden).
 *
 * @param status   {@code critical}, {@code warning} or {@code ok}, from the findings not allowed
 * @param critical count of critical findings not allowed
 * @param warnings count of warnings not allowed
 * @param allowed  count of findings allowed by {@code audit.allow}
 */
public record AuditReport(String status, int critical, int warnings, int allowed, double durationS,
                          List<Finding> findings) implements JobReport {

    @Override
    public Job job() {
        return Job.AUDIT;
    }

    @Override
    public String problem() {
        return findings.stream().filter(f -> !f.allowed()).map(f -> f.rule() + " " + f.subject()).findFirst().orElse(null);
    }

    /** False when a rule could not look (Docker unreachable, a file missing): absent findings prove nothing then. */
    public boolean complete() {
        return findings.stream().noneMatch(f -> f.rule().equals(Finding.INCOMPLETE));
    }

    public static AuditReport of(List<Finding> findings, double durationS) {
        int crit = 0;
        int warn = 0;
        int allow = 0;
        for (Finding f : findings) {
            if (f.allowed()) {
                allow++;
            } else if (f.severity() == Severity.CRITICAL) {
                crit++;
            } else {
                warn++;
            }
        }
        String status = crit > 0 ? "critical" : warn > 0 ? "warning" : "ok";
        return new AuditReport(status, crit, warn, allow, durationS, List.copyOf(findings));
    }

    /** 1 on any critical finding that is not allowed, 3 on warnings only, 0 when clean. */
    @Override
    public int exitCode() {
        return critical > 0 ? ExitCode.FAILED : warnings > 0 ? ExitCode.PARTIAL : ExitCode.OK;
    }
}
