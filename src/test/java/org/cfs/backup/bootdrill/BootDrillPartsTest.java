package org.cfs.backup.bootdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.cfs.backup.state.ScratchJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of a boot drill that need no engine: the copy's arguments, the env file, the SQLite header, the journal's refusals. */
class BootDrillPartsTest {
    @TempDir
    Path dir;

    @Test
    void theCopyHasTheLiveContainersProgramButNoNetworkNoOtherMountsAndLimits() {
        BootDrillOperation.Blueprint b = new BootDrillOperation.Blueprint("open-webui", "sha256:abc", "ghcr.io/open-webui:main",
                List.of("bash", "start.sh"), List.of("--port", "8080"), "/app/backend", "1000:1000",
                List.of("WEBUI_SECRET_KEY=s3cret"), "/app/backend/data", true);
        List<String> a = BootDrillOperation.createArgs(b, "cfs-bootdrill-x-1-abc", "open-webui", "cfs-bootdrill-x-1-abc",
                dir.resolve("env"));
        String joined = String.join(" ", a);
        assertTrue(joined.contains("--network none"), joined);
        assertTrue(joined.contains("--label cfs-backup.boot-drill=1"), joined);
        assertTrue(joined.contains("--memory 2g") && joined.contains("--cpus 1") && joined.contains("--pids-limit 1024"), joined);
        assertTrue(joined.contains("--workdir /app/backend --user 1000:1000"), joined);
        assertTrue(joined.contains("--mount type=volume,source=cfs-bootdrill-x-1-abc,target=/app/backend/data"), joined);
        assertTrue(joined.endsWith("--entrypoint bash sha256:abc start.sh --port 8080"), joined);
        assertEquals(1, a.stream().filter(x -> x.startsWith("type=")).count(), "only the scratch volume is mounted");
        assertFalse(joined.contains("s3cret"), "the environment goes through --env-file, never the command line");
        assertTrue(joined.contains("--health-interval 1s"));
    }

    @Test
    void withoutEntrypointTheCommandFollowsTheImage() {
        BootDrillOperation.Blueprint b = new BootDrillOperation.Blueprint("db", "sha256:def", "", List.of(), List.of("sleep", "9"),
                "", "", List.of(), "/var/lib/mysql", false);
        List<String> a = BootDrillOperation.createArgs(b, "cfs-bootdrill-db-1-a", "db", "cfs-bootdrill-db-1-a", null);
        String joined = String.join(" ", a);
        assertTrue(joined.endsWith("sha256:def sleep 9"), joined);
        assertFalse(joined.contains("--entrypoint") || joined.contains("--user") || joined.contains("--health"), joined);
    }

    @Test
    void envFileIsPrivateAndHoldsOneVariableALine() throws Exception {
        Path f = dir.resolve("e.env");
        BootDrillOperation.writeEnvFile(f, List.of("A=1", "B=two words", "BAD", "C=multi\nline"));
        assertEquals("A=1\nB=two words\n", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void sqliteIsFoundByItsHeaderNotItsName() throws Exception {
        assertTrue(SqliteCheck.isHeader("SQLite format 3\0rest".getBytes()));
        assertFalse(SqliteCheck.isHeader("SQLite format 3 ".getBytes()));
        assertFalse(SqliteCheck.isHeader("SQLite".getBytes()));
        Path db = dir.resolve("data");
        Files.write(db, "SQLite format 3\0".getBytes());
        assertTrue(SqliteCheck.hasHeader(db));
    }

    @Test
    void mariadbDumpsAreRecognisedByTheirProgram() {
        assertTrue(MariadbLoad.isMariadbDump(List.of("docker", "exec", "mariadb", "mariadb-dump", "--all-databases")));
        assertTrue(MariadbLoad.isMariadbDump(List.of("sh", "-c", "mysqldump --databases a | gzip")));
        assertFalse(MariadbLoad.isMariadbDump(List.of("pg_dump", "db")));
        assertNotNull(BootDrillOperation.unsupported(new org.cfs.backup.config.SourceConfig("p", null, null, null,
                List.of("pg_dump"), null, null, null, null, null, null)));
        assertNull(BootDrillOperation.unsupported(new org.cfs.backup.config.SourceConfig("p", "v", null, null,
                null, null, null, null, null, null, null)));
    }

    @Test
    void theJournalRecordsOnlyScratchNamesAndForgetsWhatItsOwnerRemoved() {
        ScratchJournal j = new ScratchJournal(dir);
        assertThrows(IllegalArgumentException.class, () -> j.record(ScratchJournal.Kind.VOLUME, "openwebui_data", null, "t"));
        assertThrows(IllegalArgumentException.class, () -> j.record(ScratchJournal.Kind.PATH, "/var/lib/mysql", null, "t"));
        assertThrows(IllegalArgumentException.class, () -> j.record(ScratchJournal.Kind.PATH,
                "/tmp/cfs-bootdrill-x/../../etc", null, "t"));
        j.record(ScratchJournal.Kind.VOLUME, "cfs-bootdrill-a-1-x", "live", "drill --boot");
        j.record(ScratchJournal.Kind.PATH, dir.resolve("cfs-bootdrill-a-1-x").toString(), null, "drill --boot");
        assertEquals(2, j.entries().size());
        j.clear(ScratchJournal.Kind.VOLUME, "cfs-bootdrill-a-1-x");
        assertEquals(1, j.entries().size());
        j.clear(ScratchJournal.Kind.PATH, dir.resolve("cfs-bootdrill-a-1-x").toString());
        assertFalse(Files.exists(j.file()));
        // the owner is alive (this JVM): nothing of it is touched by a reconcile
        j.record(ScratchJournal.Kind.PATH, dir.resolve("cfs-bootdrill-b-1-x").toString(), null, "drill --boot");
        assertEquals(List.of(), ScratchReconcile.reconcile(j, null, l -> { }));
        assertEquals(1, j.entries().size());
    }

    @Test
    void aDeadOwnersScratchFolderIsRemovedByTheNextReconcile() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path scratch = dir.resolve("cfs-bootdrill-db-9-dead");
        Files.createDirectories(scratch.resolve("mysql"));
        Files.writeString(scratch.resolve("mysql/ibdata1"), "x");
        Path other = dir.resolve("keep-me");
        Files.createDirectories(other);
        ScratchJournal j = new ScratchJournal(dir);
        Files.writeString(j.file(), "[{\"pid\": " + gone.pid() + ", \"command\": \"drill --boot\", \"kind\": \"PATH\","
                + " \"ref\": \"" + scratch + "\"}]");
        List<String> log = new java.util.ArrayList<>();
        assertEquals(1, ScratchReconcile.reconcile(j, null, log::add).size());
        assertFalse(Files.exists(scratch));
        assertTrue(Files.exists(other));
        assertFalse(Files.exists(j.file()));
        assertTrue(log.get(0).contains("removed scratch path " + scratch + " left by dead cfs-backup pid " + gone.pid()), log.toString());
    }

    @Test
    void theContainerOfADockerExecDumpIsFound() {
        assertEquals("mariadb", MariadbLoad.execContainer(List.of("docker", "exec", "mariadb", "mariadb-dump",
                "--single-transaction", "--all-databases")));
        assertEquals("db1", MariadbLoad.execContainer(List.of("/usr/bin/docker", "exec", "-i", "-u", "mysql", "--env=A=1",
                "db1", "mysqldump", "--all-databases")));
        assertNull(MariadbLoad.execContainer(List.of("mariadb-dump", "--all-databases")));
        assertNull(MariadbLoad.execContainer(List.of("docker", "exec", "db1", "sh", "-c", "mariadb-dump -A")));
        assertNull(MariadbLoad.execContainer(List.of("docker", "run", "db1", "mariadb-dump")));
    }
}
