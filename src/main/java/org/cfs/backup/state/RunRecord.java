package org.cfs.backup.state;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One line of the run history: a job (or one source of it), when, how it ended, and its figures.
 *
 * @param status ok, failed, partial or interrupted
 * @param figures extra numbers (duration_s, downtime_s, data_added, files_verified, ...)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunRecord(String job, String source, Instant start, Instant end, String status, String snapshotId,
                        Map<String, Object> figures, String error) {
}
