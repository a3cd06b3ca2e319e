package org.cfs.backup.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-history line and the audit-log line come from one record: same status, source, snapshot and error. */
class RunRecorderTest {
    @TempDir
    Path dir;

    @Test
    void oneRecordWritesBothLinesAndTheAuditLineKeepsTheFiguresInOrder() throws Exception {
        RunHistory history = new RunHistory(dir.resolve("state"));
        AuditLog audit = new AuditLog(dir.resolve("log"));
        RunRecorder recorder = new RunRecorder(history, audit);
        Instant t0 = Instant.parse("2026-12-02T01:00:00Z");
        recorder.record("backup", new RunRecord("backup", "db", t0, t0.plusSeconds(3), "failed", "ab12cd34",
                Map.of("duration_s", 3.04), "dump exited 3"), RunRecorder.fields("duration_s", 3.04, "downtime_s", 0.0,
                "target", null, "mode", "in place"), true);
        recorder.record("backup-dry-run", new RunRecord("backup", "db", t0, t0, "ok", null, Map.of(), null),
                Map.of(), false);
        recorder.runEnd("drill", "drill", t0, "failed", 2, List.of("db", "files"), "drill failed for db, files", true);

        List<RunRecord> lines = history.all();
        assertEquals(2, lines.size(), "a dry run writes no history line");
        assertEquals("failed", lines.get(0).status());
        assertEquals("ab12cd34", lines.get(0).snapshotId());
        assertEquals(Map.of("sources", 2), lines.get(1).figures());
        List<String> auditLines = Files.readAllLines(audit.file());
        assertEquals(3, auditLines.size(), auditLines.toString());
        assertEquals("op=backup outcome=failed source=db snapshot=ab12cd34 duration_s=3.0 downtime_s=0.0"
                + " mode=\"in place\" error=\"dump exited 3\"", tail(auditLines.get(0)));
        assertEquals("op=backup-dry-run outcome=ok source=db", tail(auditLines.get(1)));
        assertEquals("op=drill outcome=failed sources=2 failed=db,files", tail(auditLines.get(2)));
    }

    /** The line without its time stamp and pid. */
    private static String tail(String line) {
        return line.substring(line.indexOf("op="));
    }
}
