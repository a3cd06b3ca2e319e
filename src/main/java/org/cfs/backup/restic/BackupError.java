package org.cfs.backup.restic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/** A {@code "message_type":"error"} line (stderr); restic 0.14 leaves {@code error} empty. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupError(JsonNode error, String during, String item) {
    public String describe() {
        String msg = error != null && error.has("message") ? error.get("message").asText() : "unreadable";
        return (item == null ? "" : item + ": ") + msg + (during == null ? "" : " (during " + during + ")");
    }
}
