package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.cfs.backup.CfsException;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;
import org.junit.jupiter.api.Test;

/** 'latest' and id resolution on recorded {@code restic snapshots --json} output (with pre-restore and first-pass snapshots). */
class SnapshotSelectorTest {
    private static List<Snapshot> recorded() throws IOException {
        try (var in = SnapshotSelectorTest.class.getResourceAsStream("/restic/snapshots-restore.json")) {
            return Restic.parseSnapshots(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void latestSkipsPreRestoreAndFirstPassSnapshots() throws IOException {
        List<Snapshot> all = recorded();
        // the two newest snapshots of s1 are tagged pre-restore and cfs-pass1
        assertEquals("9d2d078f", SnapshotSelector.latest(all, "s1").shortId());
        assertEquals("6412c835", SnapshotSelector.latest(all, "db").shortId());
        assertEquals(null, SnapshotSelector.latest(all, "nothing"));
    }

    @Test
    void latestSkipsAFailedDumpTaggedCfsFailed() throws IOException {
        List<Snapshot> all = new java.util.ArrayList<>(recorded());
        Snapshot good = SnapshotSelector.latest(all, "db");
        all.add(new Snapshot("ffff0000aaaa", "ffff0000", good.time().plusSeconds(60), good.hostname(), good.paths(),
                List.of("db", "cfs-failed"), null, null, null));
        assertEquals(good.shortId(), SnapshotSelector.latest(all, "db").shortId());
        assertTrue(!SnapshotSelector.regular(all.get(all.size() - 1)),
                "restic's own latest (drills, restore) is refused when it is a failed dump");
    }

    @Test
    void idsMustExistBeUniqueAndBelongToTheSource() throws IOException {
        List<Snapshot> all = recorded();
        assertEquals("3d54de4f", SnapshotSelector.byId(all, "s1", "3d54de4f").shortId(), "a pre-restore snapshot can be chosen by id");
        CfsException unknown = assertThrows(CfsException.class, () -> SnapshotSelector.byId(all, "s1", "deadbeef"));
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.getMessage().contains("deadbeef"));
        CfsException foreign = assertThrows(CfsException.class, () -> SnapshotSelector.byId(all, "s1", "6412c835"));
        assertTrue(foreign.getMessage().contains("not a snapshot of source 's1'") && foreign.getMessage().contains("db"),
                foreign.getMessage());
        assertThrows(CfsException.class, () -> SnapshotSelector.byId(all, "s1", "zz"));
    }
}
