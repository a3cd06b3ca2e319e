package org.cfs.backup.audit;

import java.util.HashSet;
import java.util.Set;

import org.cfs.backup.alert.Alerts;

/**
 * Turns an audit report into alerts for the daemon: one condition per finding not allowed
 * (key {@code audit:RULE:SUBJECT}), raised when new and cleared when the finding is gone. When
 * the audit was incomplete nothing is cleared, so an unreachable engine does not look like a fix.
 */
public final class AuditAlerts {
    static final String PREFIX = "audit:";

    private AuditAlerts() {
    }

    public static void publish(Alerts alerts, AuditReport report) {
        Set<String> current = new HashSet<>();
        boolean complete = true;
        for (Finding f : report.findings()) {
            if (f.allowed()) {
                continue;
            }
            if (f.rule().equals("audit-incomplete")) {
                complete = false;
            }
            String key = PREFIX + f.rule() + ":" + f.subject();
            current.add(key);
            alerts.raise(key, f.severity() == Severity.CRITICAL ? Alerts.Severity.CRITICAL : Alerts.Severity.WARNING,
                    "audit: " + f.rule() + " on " + f.subject(), f.detail());
        }
        if (!complete) {
            return;
        }
        for (Alerts.OpenAlert open : alerts.open()) {
            if (open.key().startsWith(PREFIX) && !current.contains(open.key())) {
                alerts.clear(open.key(), "audit: no longer found");
            }
        }
    }
}
