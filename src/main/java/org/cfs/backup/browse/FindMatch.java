package org.cfs.backup.browse;

import java.time.Instant;

/** One file (or folder) matching a {@code find} pattern in one snapshot; path relative to the source's root. */
public record FindMatch(String snapshotId, String shortId, Instant time, String path, String type, long size,
                        Instant mtime) {
}
