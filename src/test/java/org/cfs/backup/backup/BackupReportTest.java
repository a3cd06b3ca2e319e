package org.cfs.backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.cfs.backup.ExitCode;
import org.junit.jupiter.api.Test;

/** Run status and exit code from the sources' outcomes. */
class BackupReportTest {
    private static SourceResult r(String name, String status) {
        return new SourceResult(name, status, null, 1, 0, null, 0, 0, 0, 0, false);
    }

    @Test
    void statusAndExitCode() {
        assertEquals("ok", BackupReport.of(List.of(r("a", "ok"), r("b", "ok"))).status());
        assertEquals(ExitCode.OK, BackupReport.of(List.of(r("a", "ok"))).exitCode());
        BackupReport partial = BackupReport.of(List.of(r("a", "ok"), r("b", "failed")));
        assertEquals("partial", partial.status());
        assertEquals(ExitCode.PARTIAL, partial.exitCode());
        assertEquals("partial", BackupReport.of(List.of(r("a", "partial"))).status(), "unreadable files are partial");
        BackupReport failed = BackupReport.of(List.of(r("a", "failed"), r("b", "failed")));
        assertEquals("failed", failed.status());
        assertEquals(ExitCode.FAILED, failed.exitCode());
    }
}
