package org.cfs.backup.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.Job;
import org.cfs.backup.alert.Alerts;
import org.cfs.backup.alert.RecordingAlerts;
import org.cfs.backup.audit.AuditReport;
import org.cfs.backup.audit.Finding;
import org.cfs.backup.audit.Severity;
import org.cfs.backup.backup.BackupReport;
import org.cfs.backup.backup.SourceResult;
import org.cfs.backup.drill.CheckOperation.CheckReport;
import org.cfs.backup.drill.DrillReport;
import org.cfs.backup.drill.SourceDrill;
import org.cfs.backup.process.CancelledException;
import org.cfs.backup.quota.QuotaReport;
import org.cfs.backup.retention.PruneReport;
import org.junit.jupiter.api.Test;

/** The one alert policy, fed the typed reports that the CLI and the daemon both get. */
class AlertPolicyTest {
    private final RecordingAlerts alerts = new RecordingAlerts();
    private final AlertPolicy policy = new AlertPolicy(alerts);

    private static SourceResult ok(String source) {
        return new SourceResult(source, "ok", "abcd1234", 1, 0, null, 1, 0, 10, 10, false);
    }

    private static SourceDrill drilled(String source, boolean passed, String... problems) {
        return new SourceDrill(source, passed, "abcd1234", 1, 1, 0.1, List.of(problems), "stream", null, null);
    }

    private static PruneReport.SourcePrune pruned(String source, boolean guarded, String error) {
        return new PruneReport.SourcePrune(source, 2, 1, 1, List.of(), guarded, guarded ? "newest 1 KiB, previous 9 KiB" : null,
                1L, 9L, error);
    }

    private static QuotaReport quota(String level, Long free) {
        return new QuotaReport("gdrive", 100L, 50L, free, 0L, level, null, level.equals("unknown") ? "no answer" : null, null);
    }

    @Test
    void backupSourcesOpenAndClearTheirOwnConditions() {
        policy.reported(BackupReport.of(List.of(SourceResult.failed("db", 1, 0, "dump exited 2"), ok("web"))));
        assertEquals(Alerts.Severity.CRITICAL, alerts.open.get("backup-failed:db").severity());
        assertEquals("dump exited 2", alerts.open.get("backup-failed:db").message());
        assertFalse(alerts.open.containsKey("backup-failed:web"));
        assertFalse(alerts.open.containsKey("job-failed:backup"), "a report came back: the job itself ran");
        policy.reported(BackupReport.of(List.of(ok("db"))));
        assertTrue(alerts.open.isEmpty(), alerts.open.toString());
    }

    @Test
    void aGoodBackupClearsReconciledContainersAndAPartialOneDoesNot() {
        alerts.raise(AlertPolicy.RECONCILED + "webui", Alerts.Severity.WARNING, "t", "m");
        policy.reported(BackupReport.of(List.of(ok("a"), SourceResult.failed("b", 1, 0, "x"))));
        assertTrue(alerts.open.containsKey("reconciled:webui"));
        policy.reported(BackupReport.of(List.of(ok("a"), ok("b"))));
        assertFalse(alerts.open.containsKey("reconciled:webui"));
    }

    @Test
    void aDryRunNeitherRaisesNorClears() {
        Alerts channel = mock(Alerts.class);
        new AlertPolicy(channel).reported(BackupReport.of(List.of(new SourceResult("db", "failed", null, 0, 0, "x", 0, 0, 0, 0, true))));
        new AlertPolicy(channel).reported(new PruneReport("guarded", true, false, List.of(pruned("web", true, null)), false,
                null, null, null));
        verifyNoInteractions(channel);
    }

    @Test
    void drillCheckAndQuota() {
        policy.reported(new DrillReport(false, List.of(drilled("db", false, "sha mismatch in a.sql"), drilled("web", true))));
        assertTrue(alerts.open.get("drill-failed:db").message().contains("sha mismatch"));
        assertFalse(alerts.open.containsKey("drill-failed:web"));

        policy.reported(new CheckReport(false, null, 1, List.of("pack 1234: not referenced"), true));
        assertEquals("pack 1234: not referenced", alerts.open.get("check-damage").message());
        policy.reported(new CheckReport(true, null, 1, List.of(), true));
        assertFalse(alerts.open.containsKey("check-damage"));

        policy.reported(quota("unknown", null));
        assertTrue(alerts.open.containsKey("quota-unknown"));
        policy.reported(quota("warning", 1000L));
        assertEquals(Alerts.Severity.WARNING, alerts.open.get("quota-level").severity());
        assertFalse(alerts.open.containsKey("quota-unknown"), "the remote answered");
        policy.reported(quota("critical", 10L));
        assertEquals(Alerts.Severity.CRITICAL, alerts.open.get("quota-level").severity());
        policy.reported(quota("ok", 99999L));
        assertFalse(alerts.open.containsKey("quota-level"));
    }

    /** Regression: the guard's alert was written in two places with two wordings. */
    @Test
    void thePruneGuardHasOneWording() {
        policy.reported(new PruneReport("guarded", false, false, List.of(pruned("web", true, null), pruned("db", false, "locked")),
                true, null, null, null));
        Alerts.OpenAlert a = alerts.open.get("prune-guard:web");
        assertEquals("prune guard holds web", a.title());
        assertEquals("newest 1 KiB, previous 9 KiB", a.message());
        policy.reported(new PruneReport("ok", false, false, List.of(pruned("web", false, null)), true, null, null, null));
        assertFalse(alerts.open.containsKey("prune-guard:web"));
    }

    /** Regression: the daemon's audit job raised alerts for findings that audit.allow marks as allowed. */
    @Test
    void allowedFindingsNeverAlertAndAreClearedWhenOpen() {
        Finding priv = Finding.of("privileged-container", Severity.CRITICAL, "portainer", "runs privileged");
        Finding env = Finding.of("secret-in-env", Severity.WARNING, "ide", "GEMINI_API_KEY set").allow("known");
        alerts.raise("audit:secret-in-env:ide", Alerts.Severity.WARNING, "t", "m"); // opened before it was allowed
        policy.reported(AuditReport.of(List.of(priv, env), 0));
        assertTrue(alerts.open.containsKey("audit:privileged-container:portainer"));
        assertFalse(alerts.open.containsKey("audit:secret-in-env:ide"), alerts.open.toString());
        assertEquals(1, alerts.events.stream().filter(e -> e.equals("raise audit:secret-in-env:ide WARNING")).count(),
                "raised once before it was allowed, never again: " + alerts.events);
    }

    /** Regression: open audit alerts were cleared even when the audit could not finish (Docker unreachable). */
    @Test
    void anIncompleteAuditClearsNothing() {
        Finding priv = Finding.of("privileged-container", Severity.CRITICAL, "portainer", "runs privileged");
        policy.reported(AuditReport.of(List.of(priv), 0));
        Finding dockerDown = Finding.of(Finding.INCOMPLETE, Severity.WARNING, "docker", "containers were not checked");
        policy.reported(AuditReport.of(List.of(dockerDown), 0));
        assertTrue(alerts.open.containsKey("audit:privileged-container:portainer"), "an incomplete audit is no proof of a fix");
        policy.reported(AuditReport.of(List.of(), 0));
        assertFalse(alerts.open.containsKey("audit:privileged-container:portainer"));
        assertFalse(alerts.open.containsKey("audit:audit-incomplete:docker"));
    }

    @Test
    void aJobThatCouldNotRunAlertsUnlessInterruptedOrBusy() {
        policy.failed(Job.CHECK, CfsException.failed("Fatal: unable to open config file: no such host"));
        assertEquals("check exited 1: Fatal: unable to open config file: no such host",
                alerts.open.get("job-failed:check").message());
        policy.reported(new CheckReport(true, null, 1, List.of(), true));
        assertFalse(alerts.open.containsKey("job-failed:check"));

        Alerts channel = mock(Alerts.class);
        new AlertPolicy(channel).failed(Job.BACKUP, new CancelledException());
        new AlertPolicy(channel).failed(Job.BACKUP, new CfsException(ExitCode.BUSY, "busy: pid 1 backup"));
        verify(channel, never()).raise(anyString(), org.mockito.ArgumentMatchers.any(), anyString(), anyString());
    }

    @Test
    void freshnessAndRepository() {
        Duration staleAfter = Duration.ofHours(26);
        policy.freshness("web", Instant.parse("2026-01-08T03:00:00Z"), true, staleAfter);
        policy.freshness("new", null, true, staleAfter);
        assertEquals(List.of("raise stale:web WARNING", "raise stale:new WARNING"), alerts.events);
        assertEquals("the repository holds no snapshot of new", alerts.open.get("stale:new").message());
        policy.freshness("web", Instant.parse("2026-01-10T11:30:00Z"), false, staleAfter);
        assertEquals("clear stale:web", alerts.events.get(2));
        policy.repositoryReadable("connection refused");
        assertTrue(alerts.open.containsKey("repository-unreachable"));
        policy.repositoryReadable(null);
        assertFalse(alerts.open.containsKey("repository-unreachable"));
    }

    @Test
    void bootDrillsOpenAndClearTheirConditions() {
        var boot = new org.cfs.backup.bootdrill.BootDrillReport.Boot(false, null, List.of("exit 3"), "c", "i", 1.0, null,
                null, 0L, 0, List.of());
        var failed = new org.cfs.backup.bootdrill.BootDrillReport.Source("webui", false, "abcd", 1, 1, 1.0,
                List.of("container exited 3: database is malformed"), "boot-volume", boot);
        policy.reported(new org.cfs.backup.bootdrill.BootDrillReport(false, List.of(failed)));
        assertTrue(alerts.open.get("boot-drill-failed:webui").message().contains("database is malformed"));
        var passed = new org.cfs.backup.bootdrill.BootDrillReport.Source("webui", true, "abcd", 1, 1, 1.0, List.of(),
                "boot-volume", boot);
        policy.reported(new org.cfs.backup.bootdrill.BootDrillReport(true, List.of(passed)));
        assertFalse(alerts.open.containsKey("boot-drill-failed:webui"));

        policy.bootDrillFreshness("webui", Instant.parse("2026-11-01T06:30:00Z"), true, Duration.ofDays(8));
        assertTrue(alerts.open.get("boot-drill-stale:webui").message().contains("older than boot-drill.max-age 8d"));
        policy.bootDrillFreshness("webui", Instant.parse("2026-11-30T06:30:00Z"), false, Duration.ofDays(8));
        assertFalse(alerts.open.containsKey("boot-drill-stale:webui"));
    }

    @Test
    void aWarningBesideAGoodSnapshotIsItsOwnCondition() {
        SourceResult warned = ok("web").withWarning("first-pass snapshot 1234abcd could not be forgotten: locked");
        policy.reported(BackupReport.of(List.of(warned)));
        assertEquals(Alerts.Severity.WARNING, alerts.open.get("backup-warning:web").severity());
        assertFalse(alerts.open.containsKey("backup-failed:web"));
        policy.reported(BackupReport.of(List.of(ok("web"))));
        assertFalse(alerts.open.containsKey("backup-warning:web"));
    }
}
