package org.cfs.backup.state;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per operation and outcome in {@code log-dir/cfs-backup.log}. Best effort: an
 * unwritable log dir is reported but never fails the operation.
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private final Path file;

    public AuditLog(Path logDir) {
        this.file = logDir.resolve("cfs-backup.log");
    }

    public Path file() {
        return file;
    }

    public void record(String operation, String outcome, String detail) {
        String line = Instant.now().truncatedTo(ChronoUnit.SECONDS) + " pid=" + ProcessHandle.current().pid()
                + " op=" + operation + " outcome=" + outcome + (detail == null || detail.isBlank() ? "" : " " + oneLine(detail));
        try {
            AtomicFiles.appendLine(file, line);
        } catch (IOException e) {
            LOG.warn("cannot write audit log {}: {}", file, e.getMessage());
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
