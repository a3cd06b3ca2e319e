package org.cfs.backup.browse;

import java.util.List;

/**
 * What changed from one snapshot of a source to another ({@code restic diff}); paths relative to
 * the source's root. {@code changed} holds content, type and metadata changes.
 */
public record SnapshotDiff(String source, String from, String to, List<String> added, List<String> removed,
                           List<String> changed, long addedCount, long removedCount, long changedCount,
                           boolean truncated) {
}
