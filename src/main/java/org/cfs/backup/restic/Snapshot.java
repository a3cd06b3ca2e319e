package org.cfs.backup.restic;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One entry of {@code restic snapshots --json}, and the snapshot policy every capability shares:
 * which of cfs-backup's own tags mark a snapshot that is not a regular backup of its source.
 * {@code original} is the id the snapshot had before {@code restic tag} rewrote it (else null).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Snapshot(String id, String shortId, Instant time, String hostname, List<String> paths,
                       List<String> tags, String parent, String tree, String original) {
    /** The state a volume had before an in-place restore (the way back), never {@code latest}. */
    public static final String PRE_RESTORE_TAG = "pre-restore";
    /** The first, live pass of a two-pass (stop/pause) backup: forgotten after the second. */
    public static final String PASS1_TAG = "cfs-pass1";
    /** The tag of the snapshot that holds cfs-backup's own config (the repository describes itself). */
    public static final String CONFIG_TAG = "cfs-config";
    /** A failed dump's snapshot that could not be forgotten (issue 11): never a good backup. */
    public static final String FAILED_TAG = "cfs-failed";
    /** Tags cfs-backup gives its own snapshots; no source may be named like one. */
    public static final List<String> RESERVED_TAGS = List.of(PASS1_TAG, PRE_RESTORE_TAG, CONFIG_TAG, FAILED_TAG);

    /** True for a snapshot that {@code latest}, drills, freshness and the prune guard may take. */
    public boolean isRegular() {
        return !hasTag(PRE_RESTORE_TAG) && !hasTag(PASS1_TAG) && !hasTag(FAILED_TAG) && !isConfigSnapshot();
    }

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
