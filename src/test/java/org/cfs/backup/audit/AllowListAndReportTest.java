package org.cfs.backup.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.cfs.backup.alert.Alerts;
import org.cfs.backup.alert.RecordingAlerts;
import org.cfs.backup.config.AuditConfig;
import org.junit.jupiter.api.Test;

/** Allowed exceptions, the report's status and exit code, and the alerts the daemon gets. */
class AllowListAndReportTest {
    private static final Finding PRIV = Finding.of("privileged-container", Severity.CRITICAL, "portainer", "runs privileged");
    private static final Finding ENV = Finding.of("container-secret-env", Severity.CRITICAL, "mariadb:MARIADB_ROOT_PASSWORD", "x");
    private static final Finding SCRIPT = Finding.atLine("setcap", Severity.CRITICAL, "/ws/a.sh", 7, "x");
    private static final Finding HOME = Finding.of("home-ownership", Severity.WARNING, "/opt/h/kasm-profile-persistent", "x");

    @Test
    void allowMatchesRuleAndSubjectExactlyByPrefixOrGlob() {
        AllowList allow = new AllowList(List.of(
                new AuditConfig.Allow("privileged-container", "portainer", "management UI, LAN only"),
                new AuditConfig.Allow("container-secret-env", "mariadb", "the image needs its root password"),
                new AuditConfig.Allow("*", "/ws/*.sh:*", "vendored installer")));
        List<Finding> out = allow.apply(List.of(PRIV, ENV, SCRIPT, HOME));
        assertTrue(out.get(0).allowed());
        assertEquals("management UI, LAN only", out.get(0).reason());
        assertTrue(out.get(1).allowed());
        assertTrue(out.get(2).allowed());
        assertFalse(out.get(3).allowed());

        AllowList wrongRule = new AllowList(List.of(new AuditConfig.Allow("docker-socket", "portainer", "r")));
        assertFalse(wrongRule.apply(List.of(PRIV)).get(0).allowed());
        AllowList otherSubject = new AllowList(List.of(new AuditConfig.Allow("privileged-container", "portain", "r")));
        assertFalse(otherSubject.apply(List.of(PRIV)).get(0).allowed());
    }

    @Test
    void exitCodesFollowTheContract() {
        assertEquals(0, AuditReport.of(List.of(), 0).exitCode());
        assertEquals("ok", AuditReport.of(List.of(), 0).status());
        assertEquals(3, AuditReport.of(List.of(HOME), 0).exitCode());
        assertEquals("warning", AuditReport.of(List.of(HOME), 0).status());
        assertEquals(1, AuditReport.of(List.of(HOME, PRIV), 0).exitCode());
        AuditReport allowedOnly = AuditReport.of(List.of(PRIV.allow("known")), 0);
        assertEquals(0, allowedOnly.exitCode());
        assertEquals(1, allowedOnly.allowed());
        assertEquals(1, allowedOnly.findings().size(), "allowed findings are listed, not hidden");
    }
}
