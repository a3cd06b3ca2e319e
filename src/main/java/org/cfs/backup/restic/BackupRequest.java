package org.cfs.backup.restic;

import java.util.List;

/**
 * What one {@code restic backup} should do.
 *
 * @param paths folders to read; empty for a stdin backup
 * @param stdinFilename set for a stdin backup: the name the stream gets in the snapshot
 * @param parent explicit parent snapshot id (the second pass of a quiesced backup), or null
 */
public record BackupRequest(String host, List<String> tags, List<String> paths, List<String> excludes,
                            String stdinFilename, String parent, boolean dryRun) {
}
