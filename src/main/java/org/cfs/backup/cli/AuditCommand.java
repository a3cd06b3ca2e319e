package org.cfs.backup.cli;

import java.util.Locale;

import org.cfs.backup.audit.AuditReport;
import org.cfs.backup.audit.Finding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code audit [--json]}: the isolation audit; exit 1 on critical findings, 3 on warnings only. */
@Command(name = "audit", description = "Check the host's isolation rules: workspace scripts, containers, cfs-backup's secrets, the IDE home.")
final class AuditCommand extends BaseCommand {
    @Mixin
    JsonMixin output;

    @Override
    public Integer call() {
        AuditReport report = jobs().audit();
        if (output.json) {
            JsonOutput.print(out(), report);
            return report.exitCode();
        }
        for (Finding f : report.findings()) {
            String sev = f.allowed() ? "allowed" : f.severity().label();
            out().printf(Locale.ROOT, "%-8s  %-26s %s%n", sev, f.rule(), f.subject());
            out().println("          " + f.detail());
            if (f.allowed()) {
                out().println("          allowed: " + f.reason());
            }
        }
        out().printf(Locale.ROOT, "audit %s: %d critical, %d warning%s, %d allowed (%.1fs)%n", report.status(),
                report.critical(), report.warnings(), report.warnings() == 1 ? "" : "s", report.allowed(),
                report.durationS());
        return report.exitCode();
    }
}
