package org.cfs.backup.drill;

import java.util.List;

/**
 * One source's drill result ({@code drill --json}'s {@code sources[]}).
 *
 * @param mode           {@code stream}, {@code full} or {@code dump}
 * @param rtoS           --full: seconds the real restore took (the recovery time objective measured), else null
 * @param throughputMibS --full: restored MiB per second, else null
 */
public record SourceDrill(String source, boolean passed, String snapshotId, long filesVerified, long bytesVerified,
                          double durationS, List<String> problems, String mode, Double rtoS, Double throughputMibS) {
}
