package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.cfs.backup.cli.JsonOutput;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The report factories fill {@code restore --json} exactly as the padded constructor calls they replace did. */
class RestoreReportTest {
    private static JsonNode json(Object o) {
        return JsonOutput.mapper().valueToTree(o);
    }

    @Test
    void eachModeKeepsItsJson() {
        assertEquals(json(new RestoreReport("s1", "abcd1234", "target", "/t", true, 3, 40, 1.5, null, List.of(), 0,
                        null, null, null, 0, 0, 0)),
                json(RestoreReport.intoTarget("s1", "abcd1234", "/t", true, 3, 40, 1.5)));
        assertEquals(json(new RestoreReport("db", "abcd1234", "pipe", "mariadb -u root", false, 1, 99, 2.0, null,
                        List.of(), 0, null, null, null, 0, 0, 0)),
                json(RestoreReport.piped("db", "abcd1234", "mariadb -u root", false, 1, 99, 2.0)));
        assertEquals(json(new RestoreReport("vol", "abcd1234", "in-place", "/srv/vol", false, 7, 700, 3.25, "ffff0000",
                        List.of("app"), 1.75, null, null, null, 0, 0, 0)),
                json(RestoreReport.inPlace("vol", "abcd1234", "/srv/vol", 7, 700, 3.25, "ffff0000", List.of("app"), 1.75)));
        TreeDiff diff = new TreeDiff(10, new ExcludeMatcher(List.of()));
        diff.added.add("a");
        diff.addedCount = 4;
        diff.removedCount = 2;
        assertEquals(json(new RestoreReport("vol", "abcd1234", "in-place", "/srv/vol", true, 0, 0, 0.5, null, List.of(),
                        0, List.of("a"), List.of(), List.of(), 4, 0, 2)),
                json(RestoreReport.inPlaceDryRun("vol", "abcd1234", "/srv/vol", 0.5, diff)));
    }

    @Test
    void restoreAllOutcomes() {
        RestoreReport r = RestoreReport.inPlace("vol", "abcd1234", "/srv/vol", 7, 700, 3.25, null, List.of(), 0);
        assertEquals(new RestoreAllOperation.SourceOutcome("vol", "volume", "ok", "abcd1234", "/srv/vol", "7 files", null,
                4.0, r), RestoreAllOperation.SourceOutcome.restored("vol", "volume", r, "7 files", 4.0));
        assertEquals(new RestoreAllOperation.SourceOutcome("vol", "volume", "ok", null, "v", "would create", null, 0.1,
                null), RestoreAllOperation.SourceOutcome.planned("vol", "volume", "v", "would create", 0.1));
        assertEquals(new RestoreAllOperation.SourceOutcome("db", "command", "failed", null, null, null, "boom", 0.2, null),
                RestoreAllOperation.SourceOutcome.failed("db", "command", "boom", 0.2));
    }
}
