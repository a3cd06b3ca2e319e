package org.cfs.backup.restic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/** A {@code "message_type":"error"} line (stderr); restic 0.14 leaves {@code error} empty. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupError(JsonNode error, String during, String item) {
    public String describe() {
        String msg = "unreadable";
        if (error != null && error.has("message")) {
            msg = error.get("message").asText();
        } else if (error != null && error.has("Err")) {
            // restic 0.14 serialises Go's *PathError: {"Op":"open","Path":...,"Err":13}
            msg = error.path("Op").asText("access") + ": errno " + error.get("Err").asText();
        }
        return (item == null ? "" : item + ": ") + msg + (during == null ? "" : " (during " + during + ")");
    }
}
