package org.cfs.backup.state;

import java.nio.file.Path;
import java.util.List;

/** The append-only run history ({@code history.jsonl} in the state dir) that survives restarts. */
public final class RunHistory {
    private final JsonLines<RunRecord> lines;

    public RunHistory(Path stateDir) {
        this.lines = new JsonLines<>(stateDir.resolve("history.jsonl"), RunRecord.class, "run history");
    }

    public void append(RunRecord record) {
        lines.append(record);
    }

    /** Every record, oldest first; a torn last line (crash mid-write) is skipped. */
    public List<RunRecord> all() {
        return lines.all();
    }
}
