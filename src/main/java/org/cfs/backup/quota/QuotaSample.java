package org.cfs.backup.quota;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One answer of {@code rclone about}, as a line of {@code quota.jsonl} in the state dir. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QuotaSample(Instant time, String remote, Long total, Long used, Long free, Long trashed, String level,
                          String error) {
}
