package org.cfs.backup.restic;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One entry of {@code restic snapshots --json}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Snapshot(String id, String shortId, Instant time, String hostname, List<String> paths,
                       List<String> tags, String parent, String tree) {
    /** The tag of the snapshot that holds cfs-backup's own config (the repository describes itself). */
    public static final String CONFIG_TAG = "cfs-config";
    /** Tags cfs-backup gives its own snapshots; no source may be named like one. */
    public static final List<String> RESERVED_TAGS = List.of("cfs-pass1", "pre-restore", CONFIG_TAG);

    /** True for a snapshot of cfs-backup's config, never a source's snapshot (latest, drills, prune, status). */
    public boolean isConfigSnapshot() {
        return hasTag(CONFIG_TAG);
    }

    public List<String> tagsOrEmpty() {
        return tags == null ? List.of() : tags;
    }

    public boolean hasTag(String tag) {
        return tagsOrEmpty().contains(tag);
    }

    public String shortIdOrPrefix() {
        return shortId != null ? shortId : id.substring(0, Math.min(8, id.length()));
    }
}
