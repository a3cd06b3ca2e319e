package org.cfs.backup.restic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/** Reads the JSON lines of {@code restic backup --json}: status and summary on stdout, errors on stderr. */
public final class BackupParser {
    private static final int MAX_ERRORS = 100;
    private final Consumer<BackupStatus> progress;
    private volatile BackupSummary summary;
    private final List<BackupError> errors = Collections.synchronizedList(new ArrayList<>());

    public BackupParser(Consumer<BackupStatus> progress) {
        this.progress = progress;
    }

    public void stdoutLine(String line) {
        JsonNode n = parse(line);
        if (n == null) {
            return;
        }
        String type = n.path("message_type").asText();
        try {
            if ("status".equals(type) && progress != null) {
                progress.accept(Restic.JSON.treeToValue(n, BackupStatus.class));
            } else if ("summary".equals(type)) {
                summary = Restic.JSON.treeToValue(n, BackupSummary.class);
            }
        } catch (JsonProcessingException e) {
            // a line of a newer restic we cannot map: progress is best effort
        }
    }

    public void stderrLine(String line) {
        JsonNode n = parse(line);
        if (n == null || !"error".equals(n.path("message_type").asText())) {
            return;
        }
        if (errors.size() < MAX_ERRORS) {
            try {
                errors.add(Restic.JSON.treeToValue(n, BackupError.class));
            } catch (JsonProcessingException e) {
                // keep going: the exit code still says the backup was incomplete
            }
        }
    }

    private static JsonNode parse(String line) {
        if (line == null || !line.startsWith("{")) {
            return null;
        }
        try {
            return Restic.JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    public BackupSummary summary() {
        return summary;
    }

    public List<BackupError> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }
}
