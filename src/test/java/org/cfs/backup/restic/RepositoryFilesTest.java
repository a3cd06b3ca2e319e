package org.cfs.backup.restic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository's lock and snapshot files, counted without restic: paths, the rclone listing, its parse. */
class RepositoryFilesTest {
    @Test
    void localAndRclonePathsAreNamedTheWayTheirBackendsNameThem() {
        assertEquals(Path.of("/srv/repo"), RepositoryFiles.localPath("/srv/repo"));
        assertEquals(Path.of("/srv/repo"), RepositoryFiles.localPath("local:/srv/repo"));
        assertNull(RepositoryFiles.localPath("rclone:gdrive:backup"));
        assertNull(RepositoryFiles.localPath("sftp:host:/repo"));
        assertEquals("gdrive:backup/locks/ab", RepositoryFiles.rcloneTarget("rclone:gdrive:backup", "locks/ab"));
        assertEquals("gdrive:locks/ab", RepositoryFiles.rcloneTarget("rclone:gdrive:", "locks/ab"));
        assertEquals("gdrive:cfs/", RepositoryFiles.rcloneTarget("rclone:gdrive:cfs/", ""));
        assertNull(RepositoryFiles.rcloneTarget("s3:host/bucket", "locks"));
        assertTrue(RepositoryFiles.listable("rclone:gdrive:cfs") && RepositoryFiles.listable("/srv/repo")
                && RepositoryFiles.listable("local:/srv/repo"));
        assertFalse(RepositoryFiles.listable("s3:host/bucket") || RepositoryFiles.listable("sftp:host:/repo"),
                "other backends: restic lists them");
    }

    @Test
    void theCensusIsOneListingOfTwoFoldersWithResticsBackendFlags() {
        assertEquals(List.of("rclone", "lsf", "-R", "--files-only", "--include", "/locks/*", "--include", "/snapshots/*",
                "gdrive:cfs", "--ask-password=false", "--drive-stop-on-upload-limit"),
                RepositoryFiles.censusArgs("gdrive:cfs", List.of("--drive-stop-on-upload-limit")));
        assertEquals(new RepositoryFiles.Census(List.of("4a9c"), List.of("60b8", "a8e9")), RepositoryFiles.parseCensus(
                "locks/4a9c\nsnapshots/60b8\nsnapshots/a8e9\n"));
        assertEquals(new RepositoryFiles.Census(List.of(), List.of()), RepositoryFiles.parseCensus(""));
    }

    @Test
    void aLocalRepositoryIsCountedFromItsFoldersAndAFailedListingAsksRestic(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("locks"));
        Files.createDirectories(dir.resolve("snapshots"));
        Files.writeString(dir.resolve("snapshots/60b8"), "x");
        ProcessRunner never = spec -> {
            throw new AssertionError("no process for a local repository: " + spec.command());
        };
        Restic local = new Restic(new ResticSettings("restic", dir.toString(), Path.of("/pw"), null, null, null, List.of()), never);
        assertEquals(new RepositoryFiles.Census(List.of(), List.of("60b8")), new RepositoryFiles(local).census());
        Restic notYet = new Restic(new ResticSettings("restic", dir.resolve("none").toString(), Path.of("/pw"), null, null, null,
                List.of()), never);
        assertNull(new RepositoryFiles(notYet).census(), "not a repository: restic says what is wrong");

        ProcessRunner failing = spec -> new ProcessResult(3, "", "directory not found", java.time.Duration.ZERO, false);
        Restic drive = new Restic(new ResticSettings("restic", "rclone:gdrive:cfs", Path.of("/pw"), null, null, null, List.of()),
                failing);
        assertNull(new RepositoryFiles(drive).census());
        ProcessRunner listing = spec -> new ProcessResult(0, "snapshots/60b8\n", "", java.time.Duration.ZERO, false);
        Restic listed = new Restic(new ResticSettings("restic", "rclone:gdrive:cfs", Path.of("/pw"), null, null, null, List.of()),
                listing);
        assertEquals(new RepositoryFiles.Census(List.of(), List.of("60b8")), new RepositoryFiles(listed).census());
    }
}
