package org.cfs.backup.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Config;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.cfs.backup.state.RunRecord;

/**
 * The isolation audit: the host's logic monitor (workspace scripts), the container boundary
 * rules, cfs-backup's own secrets and the IDE home's owner. Read-only, so it takes no lock and
 * can run beside a backup. Writes one audit-log line and one run-history record per run.
 */
public final class AuditOperation {
    private final Config config;
    private final ContainerInspector inspector;
    private final RunHistory history;
    private final AuditLog auditLog;

    public AuditOperation(Config config, ContainerInspector inspector, RunHistory history, AuditLog auditLog) {
        this.config = config;
        this.inspector = inspector;
        this.history = history;
        this.auditLog = auditLog;
    }

    public AuditReport run() {
        Instant start = Instant.now();
        List<Finding> findings = new ArrayList<>();

        WorkspaceScanner scanner = new WorkspaceScanner();
        findings.addAll(scanner.scan(config.audit().workspaces().stream().map(Path::of).toList()));

        HeldSecrets secrets = HeldSecrets.load(config);
        for (String f : secrets.unreadable()) {
            findings.add(Finding.of(Finding.INCOMPLETE, Severity.WARNING, f,
                    "secret file cannot be read: its value is not looked for in containers"));
        }
        int containers = 0;
        try {
            ContainerRules rules = new ContainerRules(config.audit().protectedPaths(), secrets);
            List<ContainerInspector.Info> all = inspector.containers();
            containers = all.size();
            for (ContainerInspector.Info c : all) {
                findings.addAll(rules.check(c));
            }
        } catch (CancelledException e) {
            throw e;
        } catch (CfsException e) {
            findings.add(Finding.of(Finding.INCOMPLETE, Severity.WARNING, "docker",
                    "containers were not checked: " + e.getMessage()));
        }

        findings.addAll(new SecretFilesRule().check(config));
        findings.addAll(new HomeOwnershipRule().check(HomeOwnershipRule.homes(config)));

        List<Finding> judged = new ArrayList<>(new AllowList(config.audit().allow()).apply(findings));
        judged.sort(Comparator.comparing(Finding::allowed)
                .thenComparing(Finding::severity)
                .thenComparing(Finding::rule)
                .thenComparing(Finding::subject));
        Instant end = Instant.now();
        double seconds = Duration.between(start, end).toMillis() / 1000.0;
        AuditReport report = AuditReport.of(judged, seconds);
        record(report, start, end, scanner.filesRead(), containers);
        return report;
    }

    private void record(AuditReport r, Instant start, Instant end, int scripts, int containers) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("critical", r.critical());
        figures.put("warnings", r.warnings());
        figures.put("allowed", r.allowed());
        figures.put("scripts_read", scripts);
        figures.put("containers", containers);
        figures.put("duration_s", r.durationS());
        String status = switch (r.status()) {
            case "critical" -> "failed";
            case "warning" -> "partial";
            default -> "ok";
        };
        String summary = summary(r);
        history.append(new RunRecord("audit", null, start, end, status, null, figures,
                r.status().equals("ok") ? null : summary));
        auditLog.record("audit", r.status(), summary);
    }

    /** One line: counts and the rules broken (never a secret: findings carry none). */
    public static String summary(AuditReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("critical=").append(r.critical()).append(" warnings=").append(r.warnings())
                .append(" allowed=").append(r.allowed());
        List<String> rules = r.findings().stream().filter(f -> !f.allowed()).map(Finding::rule).distinct().toList();
        if (!rules.isEmpty()) {
            sb.append(" rules=").append(String.join(",", rules));
        }
        return sb.toString();
    }
}
