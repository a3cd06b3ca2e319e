package org.cfs.backup.rclone;

/**
 * The answer of {@code rclone about REMOTE: --json}; a field the backend does not report is null
 * (shared drives answer {@code {}}, local disks have no {@code trashed}).
 */
public record About(Long total, Long used, Long free, Long trashed, Long other) {
}
