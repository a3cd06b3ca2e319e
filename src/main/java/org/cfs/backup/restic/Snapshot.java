package org.cfs.backup.restic;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One entry of {@code restic snapshots --json}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Snapshot(String id, String shortId, Instant time, String hostname, List<String> paths,
                       List<String> tags, String parent, String tree) {

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
