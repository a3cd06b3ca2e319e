package org.cfs.backup.browse;

import java.util.List;

/**
 * One page of a folder of a snapshot, in restic's (name) order.
 *
 * @param path the folder, relative to the source's root ("/" for the root)
 * @param next the name to pass as {@code after} for the next page; null on the last page
 */
public record Page(String snapshotId, String source, String path, List<Entry> entries, String next) {
}
