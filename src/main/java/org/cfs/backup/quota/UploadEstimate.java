package org.cfs.backup.quota;

import java.util.List;

/**
 * How much a backup is expected to upload, and whether that fits.
 *
 * @param estimatedBytes the sum over the sources that could be estimated
 * @param estimatedFromWalk sources estimated from their files' sizes (a first backup: no history)
 * @param unknownSources sources with neither history figures nor files to add up (volumes, dumps)
 * @param uploadedLast24h what the backups of the last 24 h added (Drive's cap counts per day)
 * @param capRemaining what is left of the 750 GB/day Drive cap; null when the remote is not Drive
 * @param free the remote's free space; null when unknown
 * @param warnings one sentence each, empty when it fits
 * @param estimated false when the room was ample for the sources' largest size, so nothing was estimated
 */
public record UploadEstimate(long estimatedBytes, List<String> estimatedFromWalk, List<String> unknownSources,
                             long uploadedLast24h, Long capRemaining, Long free, List<String> warnings,
                             boolean estimated) {
}
