package org.cfs.backup.restic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A {@code "message_type":"status"} line of {@code restic backup --json}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupStatus(double percentDone, long totalFiles, long filesDone, long totalBytes, long bytesDone,
                           long secondsRemaining, long errorCount) {
}
