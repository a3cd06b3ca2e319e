package org.cfs.backup.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stat census on a real tree: every kind of change shows, an unchanged tree reads the same. */
class StatCensusTest {
    @TempDir
    Path dir;
    private Path tree;

    @BeforeEach
    void tree() throws IOException {
        assumeTrue(StatCensus.TRUSTED_FILESYSTEMS.contains(Files.getFileStore(dir).type()),
                "the temporary folder is on a filesystem the census trusts");
        tree = Files.createDirectories(dir.resolve("vol"));
        Files.writeString(tree.resolve("db"), "0123456789");
        Files.createDirectories(tree.resolve("sub/deeper"));
        Files.writeString(tree.resolve("sub/deeper/f"), "f");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("db"));
    }

    private StatCensus.Print take() {
        StatCensus.Print p = StatCensus.take(List.of(tree), 10);
        assertNotNull(p, "a small tree on a trusted filesystem is counted");
        return p;
    }

    @Test
    void anUnchangedTreeReadsTheSameAndCountsEveryEntry() throws IOException {
        StatCensus.Print a = take();
        Files.readAllBytes(tree.resolve("db")); // reading is no change (atime is not counted)
        StatCensus.Print b = take();
        assertTrue(a.sameAs(b));
        assertEquals(6, a.entries(), "root, db, sub, deeper, f, link");
    }

    @Test
    void aWriteThatPutsTheOldSizeAndMtimeBackStillShowsByItsCtime() throws IOException {
        StatCensus.Print a = take();
        Path db = tree.resolve("db");
        FileTime mtime = Files.getLastModifiedTime(db);
        Files.writeString(db, "9876543210"); // same size
        Files.setLastModifiedTime(db, mtime); // and the old mtime, as a careful program could
        assertFalse(a.sameAs(take()));
    }

    /** A change to the tree, as a test makes it. */
    private interface Change {
        void make() throws IOException;
    }

    private void assertShows(String what, Change change) throws IOException {
        StatCensus.Print before = take();
        change.make();
        assertFalse(before.sameAs(take()), what);
    }

    @Test
    void everyOtherKindOfChangeShows() throws IOException {
        assertShows("an append deep down", () -> Files.writeString(tree.resolve("sub/deeper/f"), "g", StandardOpenOption.APPEND));
        assertShows("a chmod", () -> Files.setPosixFilePermissions(tree.resolve("db"), PosixFilePermissions.fromString("rw-------")));
        assertShows("a new file", () -> Files.createFile(tree.resolve("sub/new")));
        assertShows("a rename", () -> Files.move(tree.resolve("sub/new"), tree.resolve("sub/renamed")));
        assertShows("a removal", () -> Files.delete(tree.resolve("sub/renamed")));
        assertShows("a link pointed elsewhere", () -> {
            Files.delete(tree.resolve("link"));
            Files.createSymbolicLink(tree.resolve("link"), Path.of("sub"));
        });
    }

    @Test
    void aTreeChangedJustNowIsNotQuiet() throws IOException {
        StatCensus.Print p = take();
        assertFalse(p.quietFor(60), "db was written a moment ago");
        assertTrue(p.quietFor(0), "nothing changed after the census began");
        assertTrue(p.newestChangeNanos() <= p.takenAtNanos());
    }

    @Test
    void aCensusThatCannotProveAnythingIsNone() throws IOException {
        assertNull(StatCensus.take(List.of(tree), 0), "over its time budget");
        assertNull(StatCensus.take(List.of(dir.resolve("gone")), 10), "a root that does not exist");
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && "tmpfs".equals(Files.getFileStore(shm).type())) {
            Path t = Files.createTempDirectory(shm, "cfs-census");
            try {
                assertNull(StatCensus.take(List.of(t), 10), "tmpfs never writes mmap pages back: no proof");
            } finally {
                Files.delete(t);
            }
        }
    }

    @Test
    void theQuietMarginIsTwiceTheKernelsWriteBackAndAtLeastAMinute() {
        assertEquals(70, StatCensus.quietMarginSeconds(null, 3000, 500), "Linux's defaults: 30 s + 5 s");
        assertEquals(60, StatCensus.quietMarginSeconds(" ", 1000, 500));
        assertEquals(1210, StatCensus.quietMarginSeconds(null, 60000, 500), "a laptop-mode write-back of 10 min");
        assertEquals(0, StatCensus.quietMarginSeconds("0", 3000, 500), "the tests' override");
        assertEquals(70, StatCensus.quietMarginSeconds("soon", 3000, 500), "a typo keeps the default");
    }
}
