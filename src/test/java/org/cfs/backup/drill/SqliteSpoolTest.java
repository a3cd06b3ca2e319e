package org.cfs.backup.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ZtProcessRunner;
import org.cfs.backup.state.ScratchJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16: where the streaming drill spools a SQLite file, and that its check starts at its last byte. */
class SqliteSpoolTest {
    private static final long MIB = 1L << 20;

    @Test
    void tmpfsWhenTheCopyFitsInAQuarterOfTheMemoryElseTheStateDirElseNowhere() {
        Path shm = Path.of("/dev/shm");
        Path state = Path.of("/var/lib/cfs-backup");
        assertEquals(shm, SqliteSpool.place(100 * MIB, shm, 1000 * MIB, 1000 * MIB, state, 10_000 * MIB));
        // more than a quarter of the memory available: the state dir
        assertEquals(state, SqliteSpool.place(300 * MIB, shm, 10_000 * MIB, 1000 * MIB, state, 10_000 * MIB));
        // the tmpfs is small (a container's 64 MiB /dev/shm): the state dir
        assertEquals(state, SqliteSpool.place(10 * MIB, shm, 64 * MIB, 1000 * MIB, state, 10_000 * MIB));
        // memory unknown, or no tmpfs: the state dir
        assertEquals(state, SqliteSpool.place(MIB, shm, 1000 * MIB, -1, state, 10_000 * MIB));
        assertEquals(state, SqliteSpool.place(MIB, null, -1, 1000 * MIB, state, 10_000 * MIB));
        // no room anywhere (the margin counts): not checked
        assertNull(SqliteSpool.place(100 * MIB, shm, 10 * MIB, 1000 * MIB, state, 150 * MIB));
        assertEquals(state, SqliteSpool.place(100 * MIB, shm, 10 * MIB, 1000 * MIB, state, 164 * MIB));
    }

    @Test
    void checkStartsAtTheLastByteAndATornCopyIsNamed(@TempDir Path dir) throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Path tmpfs = Files.createDirectories(dir.resolve("tmpfs"));
        Path db = dir.resolve("src.db");
        sh("sqlite3", db.toString(), "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB); CREATE INDEX tv ON t(v);"
                + " WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<2000)"
                + " INSERT INTO t(v) SELECT randomblob(300) FROM c;");
        byte[] sound = Files.readAllBytes(db);
        byte[] torn = sound.clone();
        // a page of the table's b-tree overwritten, as a copy taken mid-write can hold
        for (int i = 0; i < 600; i++) {
            torn[3 * 4096 + 8 + i] = (byte) (i * 7);
        }
        List<String> log = new ArrayList<>();
        SqliteSpool spool = SqliteSpool.create(state, new ZtProcessRunner(new Cancellation(), Duration.ofSeconds(2)),
                log::add, tmpfs);
        assertNotNull(spool, "sqlite3 is installed (bin/install-deps)");
        try {
            SqliteSpool.Sink a = spool.start("/data/sound.db", sound.length);
            a.write(sound, 0, 5000);
            a.write(sound, 5000, sound.length - 5000);
            a.done(true);
            SqliteSpool.Sink b = spool.start("/data/state/webui-data", torn.length);
            b.write(torn, 0, torn.length);
            // the copies are in the tmpfs, in a journalled scratch folder
            List<Path> folders = list(tmpfs);
            assertEquals(1, folders.size(), folders.toString());
            assertTrue(folders.get(0).getFileName().toString().startsWith(ScratchJournal.PREFIX + "sqlite-"));
            assertTrue(new ScratchJournal(state).entries().stream().anyMatch(e -> e.ref().equals(folders.get(0).toString())));
            b.done(true);
            // both checks run (and delete their copies) without finish(): they started at the last byte
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!list(folders.get(0)).isEmpty() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(List.of(), list(folders.get(0)), "the checks did not start before finish()");
            // a broken-off entry is not checked
            SqliteSpool.Sink c = spool.start("/data/cut.db", sound.length);
            c.write(sound, 0, 4096);
            c.done(false);
        } finally {
            List<String> found = spool.finish();
            assertEquals(1, found.size(), found + " " + log);
            assertTrue(found.get(0).startsWith("/data/state/webui-data: SQLite database fails PRAGMA integrity_check: "), found.toString());
            assertEquals(2, spool.checked);
        }
        assertEquals(List.of(), list(tmpfs), "the scratch folder is removed");
        assertTrue(new ScratchJournal(state).entries().isEmpty());
        assertTrue(spool.finish().isEmpty(), "finish twice is harmless");
    }

    @Test
    void noRoomIsLoggedAndNothingIsSpooled(@TempDir Path dir) throws Exception {
        List<String> log = new ArrayList<>();
        SqliteSpool spool = SqliteSpool.create(dir, new ZtProcessRunner(new Cancellation()), log::add, null);
        assertNotNull(spool);
        assertNull(spool.start("/data/huge.db", Long.MAX_VALUE / 2));
        assertTrue(log.get(0).startsWith("/data/huge.db: SQLite database not checked: no room to copy its "), log.toString());
        assertTrue(spool.finish().isEmpty());
        assertEquals(List.of(), list(dir));
    }

    private static List<Path> list(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("scratch-journal")).sorted().toList();
        }
    }

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertFalse(out.contains("Error"), out);
    }
}
