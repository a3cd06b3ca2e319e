package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash-safe swap: a full swap, and the roll-back of a swap that died half-way through moving the new tree in. */
class TreeSwapTest {
    @TempDir
    Path tmp;

    private Path live;
    private Path staged;
    private TreeSwap swap;
    private final List<String> log = new ArrayList<>();

    private void setUpTrees() throws Exception {
        live = tmp.resolve("vol/_data");
        Files.createDirectories(live.resolve("olddir"));
        Files.writeString(live.resolve("old1"), "old one");
        Files.writeString(live.resolve("olddir/x"), "old x");
        Files.writeString(live.resolve("shared"), "old shared");
        TreeSwap.WorkDirs w = TreeSwap.workDirs(live);
        assertEquals(tmp.resolve("vol/.cfs-restore-new-_data"), w.staging(), "same filesystem: beside the folder");
        staged = w.staging().resolve("snapshot/root");
        Files.createDirectories(staged.resolve("newdir"));
        Files.writeString(staged.resolve("new1"), "new one");
        Files.writeString(staged.resolve("newdir/y"), "new y");
        Files.writeString(staged.resolve("shared"), "new shared");
        swap = new TreeSwap(tmp.resolve("state"), log::add);
    }

    @Test
    void swapLeavesExactlyTheNewTree() throws Exception {
        setUpTrees();
        Map<String, String> expected = RestoreFixture.describe(staged);
        swap.swap(live, staged);
        assertEquals(expected, RestoreFixture.describe(live));
        assertFalse(Files.exists(TreeSwap.workDirs(live).staging()));
        assertFalse(Files.exists(TreeSwap.workDirs(live).old()));
        try (var s = Files.list(tmp.resolve("state"))) {
            assertEquals(0, s.count(), "marker left behind");
        }
    }

    @Test
    void recoverRollsBackASwapThatDiedWhileMovingTheNewTreeIn() throws Exception {
        setUpTrees();
        Map<String, String> before = RestoreFixture.describe(live);
        // replay the first steps of swap() by hand, as a kill -9 would leave them
        TreeSwap.WorkDirs w = TreeSwap.workDirs(live);
        Files.createDirectories(tmp.resolve("state"));
        Files.writeString(swap.markerFile(live), RestoreFixture.JSON.writeValueAsString(Map.of("target", live.toString(),
                "staged", staged.toString(), "staging", w.staging().toString(), "old", w.old().toString(), "phase", "new-in",
                "liveMtimeNanos", Files.getLastModifiedTime(live).to(java.util.concurrent.TimeUnit.NANOSECONDS))));
        Files.createDirectory(w.old());
        FileTrees.moveChildren(live, w.old());
        Files.move(staged.resolve("new1"), live.resolve("new1")); // half of the new tree is in
        assertEquals(List.of(live), swap.recover());
        assertEquals(before, RestoreFixture.describe(live), "the old contents are not back");
        assertFalse(Files.exists(w.staging()));
        assertFalse(Files.exists(w.old()));
        assertTrue(log.get(0).contains("rolled back"), log.toString());
        assertEquals(List.of(), swap.recover(), "nothing left to repair");
    }
}
