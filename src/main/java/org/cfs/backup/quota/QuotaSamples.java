package org.cfs.backup.quota;

import java.nio.file.Path;
import java.util.List;

import org.cfs.backup.state.JsonLines;

/** The append-only quota samples ({@code quota.jsonl} in the state dir), the forecast's input. */
public final class QuotaSamples {
    private final JsonLines<QuotaSample> lines;

    public QuotaSamples(Path stateDir) {
        this.lines = new JsonLines<>(stateDir.resolve("quota.jsonl"), QuotaSample.class, "quota samples");
    }

    public Path file() {
        return lines.file();
    }

    public void append(QuotaSample sample) {
        lines.append(sample);
    }

    /** Every sample, oldest first; a torn line (crash mid-write) is skipped. */
    public List<QuotaSample> all() {
        return lines.all();
    }

    /** The newest sample, or null. */
    public QuotaSample last() {
        List<QuotaSample> all = all();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }
}
