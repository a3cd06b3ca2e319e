package org.cfs.backup.restic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The {@code "message_type":"summary"} line of {@code restic backup --json}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupSummary(long filesNew, long filesChanged, long filesUnmodified, long dirsNew, long dirsChanged,
                            long dataAdded, long totalFilesProcessed, long totalBytesProcessed, double totalDuration,
                            String snapshotId) {
}
