package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.cfs.backup.CfsException;
import org.cfs.backup.process.FakeProcessRunner;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dry run's comparison of a snapshot listing (recorded-format restic ls lines from a fake
 * runner) with a real live folder: tree order, the streaming merge, its order guard, the caps.
 */
class TreeDiffTest {
    private static final String ROOT = "/srv/vol";

    @TempDir
    Path live;

    private final List<String> lines = new ArrayList<>();
    private List<org.cfs.backup.process.ProcessSpec> calls;

    @Test
    void treeOrderIsFolderFirstThenNamesInUtf8ByteOrder() {
        assertTrue(TreeDiff.compareTreeOrder("a", "a/b") < 0);
        assertTrue(TreeDiff.compareTreeOrder("a/b", "a.txt") < 0, "a folder's content comes before its next sibling");
        assertTrue(TreeDiff.compareTreeOrder("B", "a") < 0);
        assertTrue(TreeDiff.compareTreeOrder("z", "\u00e9") < 0, "é is 0xC3 0xA9 in UTF-8");
        assertTrue(TreeDiff.compareTreeOrder("\uFFFD", "\uD83D\uDE00") < 0, "UTF-8 order, not UTF-16's");
        assertEquals(0, TreeDiff.compareTreeOrder("a/b/c", "a/b/c"));
        assertTrue(TreeDiff.compareTreeOrder("a/b/c", "a/b") > 0);
    }

    /** A listed node as restic 0.14's ls --json prints it. */
    private void listed(String rel, String type, long size, int mode, Instant mtime) {
        String name = rel.isEmpty() ? "vol" : rel.substring(rel.lastIndexOf('/') + 1);
        String path = rel.isEmpty() ? ROOT : ROOT + "/" + rel;
        lines.add("{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"path\":\"" + path + "\",\"uid\":0,\"gid\":0,"
                + (type.equals("file") ? "\"size\":" + size + "," : "") + "\"mode\":" + mode + ",\"mtime\":\"" + mtime
                + "\",\"atime\":\"" + mtime + "\",\"ctime\":\"" + mtime + "\",\"struct_type\":\"node\"}");
    }

    private void listedAsLive(String rel) throws IOException {
        Path p = live.resolve(rel);
        Instant m = Files.getLastModifiedTime(p).toInstant();
        if (Files.isDirectory(p)) {
            listed(rel, "dir", 0, (int) (0x80000000L | 0755), m);
        } else {
            listed(rel, "file", Files.size(p), 0644, m);
        }
    }

    private Path file(String rel, String content) throws IOException {
        Path p = live.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        return p;
    }

    private Path dir(String rel) throws IOException {
        Path p = Files.createDirectories(live.resolve(rel));
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private TreeDiff diff(int keep) throws IOException {
        String out = String.join("\n", lines) + "\n";
        // twice: a listing out of tree order is read again for the order-free comparison
        FakeProcessRunner runner = new FakeProcessRunner().on("ls", 0, out, "").on("ls", 0, out, "");
        calls = runner.calls();
        Restic restic = new Restic(new ResticSettings("restic", "/srv/repo", live.resolve("pw"), null, null, null,
                List.of()), runner);
        TreeDiff d = new TreeDiff(keep);
        d.compare(restic, "abcd", ROOT, live, "");
        return d;
    }

    /** Live: same.txt, grown.txt (longer), sub/ with new.txt and old/ (only live); listed: gone.txt, sub/a.b */
    private void scene() throws IOException {
        listed("", "dir", 0, (int) (0x80000000L | 0755), Instant.parse("2026-01-01T00:00:00Z"));
        dir("sub");
        file("grown.txt", "longer than listed");
        file("same.txt", "same");
        file("sub/a.b", "x");
        file("sub/new.txt", "new");
        dir("sub/old");
        file("sub/old/x", "x");
        dir(TreeSwap.NEW); // an in-place restore's staging: never compared
        file(TreeSwap.NEW + "/junk", "j");
        listed("gone.txt", "file", 4, 0644, Instant.parse("2026-01-01T00:00:00Z"));
        listed("grown.txt", "file", 3, 0644, Files.getLastModifiedTime(live.resolve("grown.txt")).toInstant());
        listedAsLive("same.txt");
        listedAsLive("sub");
        listedAsLive("sub/a.b");
    }

    @Test
    void addedChangedAndRemovedAreFoundByTheMerge() throws IOException {
        scene();
        TreeDiff d = diff(1000);
        assertEquals(List.of("gone.txt"), d.added);
        assertEquals(List.of("grown.txt"), d.changed);
        assertEquals(List.of("sub/new.txt", "sub/old", "sub/old/x"), d.removed);
        assertEquals(1, d.addedCount);
        assertEquals(1, d.changedCount);
        assertEquals(3, d.removedCount);
        assertEquals(1, calls.size(), "the listing is read once");
    }

    @Test
    void aListingOutOfTreeOrderFallsBackToTheSameResult() throws IOException {
        scene();
        java.util.Collections.reverse(lines.subList(1, lines.size())); // the root first, the rest reversed
        TreeDiff d = diff(1000);
        d.sort();
        assertEquals(List.of("gone.txt"), d.added);
        assertEquals(List.of("grown.txt"), d.changed);
        assertEquals(List.of("sub/new.txt", "sub/old", "sub/old/x"), d.removed);
        assertEquals(5, d.addedCount + d.changedCount + d.removedCount);
        assertEquals(2, calls.size(), "read again for the order-free comparison");
    }

    @Test
    void namesAreCappedButAllAreCounted() throws IOException {
        listed("", "dir", 0, (int) (0x80000000L | 0755), Instant.parse("2026-01-01T00:00:00Z"));
        for (int i = 0; i < 50; i++) {
            file("f" + i, "x");
        }
        TreeDiff d = diff(7);
        assertEquals(7, d.removed.size());
        assertEquals(50, d.removedCount);
    }

    @Test
    void aFailingListingIsReportedNotHung() throws IOException {
        file("a", "x");
        FakeProcessRunner runner = new FakeProcessRunner().on("ls", 1, "", "Fatal: wrong password or no key found");
        Restic restic = new Restic(new ResticSettings("restic", "/srv/repo", live.resolve("pw"), null, null, null,
                List.of()), runner);
        CfsException e = assertThrows(CfsException.class, () -> new TreeDiff(10).compare(restic, "abcd", ROOT, live, ""));
        assertTrue(e.getMessage().contains("password"), e.getMessage());
    }

    @Test
    void aLargeListingStreamsThroughTheBoundedQueue() throws IOException {
        // more entries than the queue holds, all unchanged: nothing to report
        listed("", "dir", 0, (int) (0x80000000L | 0755), Instant.parse("2026-01-01T00:00:00Z"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            names.add(String.format("d%02d/f%05d", i / 1000, i));
        }
        for (int i = 0; i < 10; i++) {
            dir(String.format("d%02d", i));
        }
        for (String n : names) {
            file(n, "x");
        }
        for (int i = 0; i < 10; i++) {
            listedAsLive(String.format("d%02d", i));
            for (int j = i * 1000; j < (i + 1) * 1000; j++) {
                listedAsLive(names.get(j));
            }
        }
        long t0 = System.nanoTime();
        TreeDiff d = diff(10);
        assertEquals(0, d.addedCount + d.changedCount + d.removedCount, d.added + " " + d.changed + " " + d.removed);
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) < 120);
    }
}
