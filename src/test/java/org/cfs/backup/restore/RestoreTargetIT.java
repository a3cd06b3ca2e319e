package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restores into a folder with the real restic and rclone: exact bytes, owners, modes, mtimes and links. */
class RestoreTargetIT {
    @TempDir
    Path tmp;
    Path src;
    RestoreFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        src = tmp.resolve("home");
        Files.createDirectories(src.resolve(".ssh"));
        Files.createDirectories(src.resolve("project/deep/er"));
        byte[] blob = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(blob);
        Files.write(src.resolve("project/blob.bin"), blob);
        Files.writeString(src.resolve(".ssh/id_ed25519"), "secret key\n");
        Files.setPosixFilePermissions(src.resolve(".ssh/id_ed25519"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(src.resolve(".ssh"), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(src.resolve("project/deep/er/notes.txt"), "Grüße\n");
        Files.writeString(src.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(src.resolve("script.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(src.resolve("link-to-notes"), Path.of("project/deep/er/notes.txt"));
        Files.createSymbolicLink(src.resolve("dangling"), Path.of("/nonexistent/target"));
        Files.createLink(src.resolve("project/hardlink.bin"), src.resolve("project/blob.bin"));
        Files.writeString(src.resolve("file with spaces & ümlaut.txt"), "x");
        // the IDE home's files belong to UID 1000
        for (Path p : new Path[] {src, src.resolve(".ssh"), src.resolve(".ssh/id_ed25519"), src.resolve("project"),
                src.resolve("project/deep/er/notes.txt"), src.resolve("project/blob.bin")}) {
            Files.setAttribute(p, "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", 1000, LinkOption.NOFOLLOW_LINKS);
        }
        Files.setAttribute(src.resolve("link-to-notes"), "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(src.resolve("project/deep/er/notes.txt"), FileTime.from(Instant.parse("2021-03-04T05:06:07.123456789Z")));
        Files.setLastModifiedTime(src.resolve("project/deep"), FileTime.from(Instant.parse("2020-01-02T03:04:05Z")));
        Files.setLastModifiedTime(src, FileTime.from(Instant.parse("2019-05-06T07:08:09Z")));
        fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: home
                  path: %s
                - name: other
                  path: %s
                """.formatted(src, tmp.resolve("fx")));
    }

    @Test
    void restoresTheTreeExactlyAtTheTargetsRoot() throws Exception {
        Map<String, String> before = RestoreFixture.describe(src);
        String snap = fx.initAndBackup("home");
        Path target = tmp.resolve("restored/home");
        JsonNode j = fx.ok("restore", "home", "--target", target.toString(), "--json").json();
        assertEquals(snap, j.get("snapshot_id").asText());
        assertEquals("target", j.get("mode").asText());
        Map<String, String> after = RestoreFixture.describe(target);
        assertEquals(before, after, "restored tree differs from the source");
        assertTrue(after.containsKey("hardlinks:project/blob.bin,project/hardlink.bin"), after.toString());
        assertTrue(after.get(".ssh/id_ed25519").contains("uid=1000 gid=1000 mode=600"), after.get(".ssh/id_ed25519"));
        assertEquals(6, j.get("files_restored").asLong(), j.toString());
        assertFalse(Files.exists(target.resolve(src.toString().substring(1))), "not under the original absolute path");
        // --dry-run into a new folder writes nothing
        Path dry = tmp.resolve("dry");
        JsonNode d = fx.ok("restore", "home", "--target", dry.toString(), "--dry-run", "--json").json();
        assertTrue(d.get("dry_run").asBoolean());
        assertEquals(6, d.get("files_restored").asLong());
        assertFalse(Files.exists(dry));
    }

    @Test
    void includeRestoresOnlyThosePaths() throws Exception {
        fx.initAndBackup("home");
        Path target = tmp.resolve("only-project-deep");
        Files.createDirectories(target); // an existing empty folder is fine
        fx.ok("restore", "home", "--target", target.toString(), "--include", "project/deep");
        assertEquals("Grüße\n", Files.readString(target.resolve("project/deep/er/notes.txt")));
        assertFalse(Files.exists(target.resolve("project/blob.bin")));
        assertFalse(Files.exists(target.resolve(".ssh")));
    }

    @Test
    void nonEmptyTargetIsRefused() throws Exception {
        fx.initAndBackup("home");
        Path target = tmp.resolve("busy");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "mine");
        RestoreFixture.Run r = fx.run("restore", "home", "--target", target.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("not empty"), r.err());
        assertEquals(1, Files.list(target).count());
    }

    @Test
    void systemFoldersStateDirAndRepositoryAreRefusedWithNothingWritten() throws Exception {
        fx.initAndBackup("home");
        String unique = "cfs-it-refused-" + fx.id;
        Path link = tmp.resolve("sneaky");
        Files.createSymbolicLink(link, Path.of("/etc"));
        for (String t : new String[] {"/", "/etc", "/etc/" + unique, "/usr/" + unique, "/bin/" + unique, "/boot/" + unique,
                "/var/lib/docker/" + unique, "/var/lib/docker/volumes/" + unique, fx.dir.resolve("state/" + unique).toString(),
                fx.repo.resolve(unique).toString(), link.resolve(unique).toString()}) {
            RestoreFixture.Run r = fx.run("restore", "home", "--target", t, "--yes");
            assertEquals(2, r.code(), t + ": " + r);
            assertTrue(r.err().contains("refusing"), t + ": " + r.err());
            if (t.endsWith(unique)) {
                assertFalse(Files.exists(Path.of(t), LinkOption.NOFOLLOW_LINKS), t + " was written");
            }
        }
        assertFalse(Files.exists(Path.of("/etc/" + unique)));
    }

    @Test
    void unknownOrForeignSnapshotIdsAreNamed() throws Exception {
        fx.initAndBackup("home");
        String other = fx.backup("other");
        RestoreFixture.Run r = fx.run("restore", "home", "--snapshot", "deadbeef", "--target", tmp.resolve("x").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("deadbeef") && r.err().contains("does not exist"), r.err());
        RestoreFixture.Run f = fx.run("restore", "home", "--snapshot", other, "--target", tmp.resolve("y").toString());
        assertEquals(2, f.code(), f.toString());
        assertTrue(f.err().contains(other) && f.err().contains("not a snapshot of source 'home'"), f.err());
        assertFalse(Files.exists(tmp.resolve("x")));
        assertFalse(Files.exists(tmp.resolve("y")));
    }

    @Test
    void pathSourceInPlaceHoldsExactlyTheSnapshotAfterwards() throws Exception {
        Map<String, String> before = RestoreFixture.describe(src);
        fx.initAndBackup("home");
        Files.delete(src.resolve("script.sh"));
        Files.writeString(src.resolve("project/deep/er/notes.txt"), "edited");
        Files.writeString(src.resolve("added.txt"), "new");
        RestoreFixture.Run include = fx.run("restore", "home", "--include", "project", "--yes");
        assertEquals(2, include.code(), include.toString());
        JsonNode r = fx.ok("restore", "home", "--yes", "--json").json();
        assertEquals("in-place", r.get("mode").asText());
        assertTrue(r.get("containers_stopped").isEmpty());
        assertEquals(before, RestoreFixture.describe(src));
        try (var siblings = Files.list(src.getParent())) {
            assertFalse(siblings.anyMatch(p -> p.getFileName().toString().startsWith(".cfs-restore")), "work folder left");
        }
    }
}
