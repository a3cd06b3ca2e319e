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

    /** The live folder holds excluded things (a browser cache) the snapshot never had, or had before the exclude existed. */
    private void setUpExcluded() throws Exception {
        setUpTrees();
        Files.createDirectories(live.resolve("home/.cache/chrome/Default/Cache"));
        Files.writeString(live.resolve("home/.cache/chrome/Default/Cache/blob"), "live cache");
        Files.writeString(live.resolve("home/.cache/chrome/Default/Prefs"), "live prefs");
        Files.writeString(live.resolve("scratch.tmp"), "live scratch");
        Files.createDirectories(live.resolve("onlylive/Cache"));
        Files.writeString(live.resolve("onlylive/Cache/c"), "only in the live folder");
        Files.setPosixFilePermissions(live.resolve("onlylive"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x---"));
        // the snapshot: Prefs saved, plus a Cache from before the exclude was added
        Files.createDirectories(staged.resolve("home/.cache/chrome/Default/Cache"));
        Files.writeString(staged.resolve("home/.cache/chrome/Default/Cache/old-blob"), "snapshot cache");
        Files.writeString(staged.resolve("home/.cache/chrome/Default/Prefs"), "snapshot prefs");
        Files.writeString(staged.resolve("other.tmp"), "snapshot tmp");
    }

    private static final ExcludeMatcher KEEP = new ExcludeMatcher(List.of(".cache/chrome/*/Cache", "*.tmp", "onlylive/Cache"));

    @Test
    void excludedPathsStayExactlyAsTheyAre() throws Exception {
        setUpExcluded();
        Map<String, String> liveBefore = RestoreFixture.describe(live);
        Map<String, String> stagedBefore = RestoreFixture.describe(staged);
        swap.swap(live, staged, KEEP);
        Map<String, String> after = RestoreFixture.describe(live);
        for (String k : liveBefore.keySet()) {
            if (k.startsWith("home/.cache/chrome/Default/Cache") || k.equals("scratch.tmp") || k.equals("onlylive/Cache")
                    || k.startsWith("onlylive/Cache/")) {
                assertEquals(liveBefore.get(k), after.get(k), k + " was touched");
            }
        }
        // the folder made to hold a kept path is like the old one
        assertEquals(liveBefore.get("onlylive"), after.get("onlylive"));
        assertFalse(after.containsKey("home/.cache/chrome/Default/Cache/old-blob"), "the snapshot's excluded path was added");
        assertFalse(after.containsKey("other.tmp"), "the snapshot's excluded file was added");
        assertEquals("snapshot prefs", Files.readString(live.resolve("home/.cache/chrome/Default/Prefs")));
        assertFalse(after.containsKey("old1"));
        // everything not excluded is exactly the snapshot's, folders' metadata included
        for (String k : stagedBefore.keySet()) {
            if (!k.contains("Cache") && !k.endsWith(".tmp") && !k.equals(".")) {
                assertEquals(stagedBefore.get(k), after.get(k), k);
            }
        }
        assertFalse(Files.exists(TreeSwap.workDirs(live).old()));
    }

    @Test
    void rollBackReturnsKeptPathsWithTheOldContents() throws Exception {
        setUpExcluded();
        Map<String, String> before = RestoreFixture.describe(live);
        List<String> kept = KeptPaths.find(live, live, KEEP, TreeSwap.NEW, TreeSwap.OLD);
        assertEquals(List.of("home/.cache/chrome/Default/Cache", "onlylive/Cache", "scratch.tmp"), kept);
        TreeSwap.WorkDirs w = TreeSwap.workDirs(live);
        KeptPaths.drop(staged, live, KEEP);
        Files.createDirectories(tmp.resolve("state"));
        Map<String, Object> marker = new java.util.HashMap<>(Map.of("target", live.toString(), "staged", staged.toString(),
                "staging", w.staging().toString(), "old", w.old().toString(), "phase", "new-in",
                "liveMtimeNanos", Files.getLastModifiedTime(live).to(java.util.concurrent.TimeUnit.NANOSECONDS)));
        marker.put("kept", kept);
        Files.writeString(swap.markerFile(live), RestoreFixture.JSON.writeValueAsString(marker));
        Files.createDirectory(w.old());
        FileTrees.moveChildren(live, w.old());
        FileTrees.moveChildren(staged, live);
        KeptPaths.move(w.old(), live, kept.subList(0, 2)); // died while putting the kept paths back
        assertEquals(List.of(live), swap.recover());
        Map<String, String> after = RestoreFixture.describe(live);
        for (String k : before.keySet()) {
            if (k.contains("Cache") || k.endsWith(".tmp")) {
                assertEquals(before.get(k), after.get(k), k);
            }
        }
        assertEquals(before.keySet(), after.keySet());
    }
}
