package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restores never destroy what was not saved, with the real restic: an in-place restore of a path
 * source with excludes leaves the excluded paths exactly as they are (the preview omits them) and
 * its pre-restore snapshot holds them; a dump written with --target is 0600; a relative --target
 * is resolved and printed before anything is written.
 */
class RestoreExcludesIT {
    @TempDir
    Path tmp;

    static boolean excluded(String rel) {
        return rel.startsWith(".cache/chrome/Default/Cache") || rel.endsWith(".tmp");
    }

    static Map<String, String> only(Map<String, String> tree, boolean excluded) {
        Map<String, String> out = new TreeMap<>();
        tree.forEach((k, v) -> {
            if (excluded(k) == excluded && !k.equals(".") && !k.startsWith("hardlinks:")) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Test
    void inPlaceRestoreLeavesExcludedPathsAloneAndThePreRestoreSnapshotHoldsThem() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve(".cache/chrome/Default/Cache"));
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_ed25519"), "private key\n");
        Files.setPosixFilePermissions(home.resolve(".ssh/id_ed25519"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(home.resolve(".cache/chrome/Default/Prefs"), "{\"saved\": true}\n");
        Files.writeString(home.resolve(".cache/chrome/Default/Cache/data_1"), "cache bytes at backup\n");
        Files.writeString(home.resolve("notes.txt"), "notes at backup\n");
        Files.writeString(home.resolve("scratch.tmp"), "tmp at backup\n");
        RestoreFixture.sh("chown", "-R", "1000:1000", home.toString());
        RestoreFixture fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: home
                  path: %s
                  exclude: [".cache/chrome/*/Cache", "*.tmp"]
                """.formatted(home));
        fx.initAndBackup("home");
        Map<String, String> saved = only(RestoreFixture.describe(home), false);

        // the day after: the cache grew, work changed, a file was deleted by mistake
        Files.writeString(home.resolve(".cache/chrome/Default/Cache/data_1"), "cache bytes changed since\n");
        Files.writeString(home.resolve(".cache/chrome/Default/Cache/data_2"), "new cache entry\n");
        Files.createDirectories(home.resolve("sub/Cache-not"));
        Files.writeString(home.resolve("sub/new.tmp"), "new tmp\n");
        Files.writeString(home.resolve("sub/Cache-not/kept"), "not excluded: the restore removes it\n");
        Files.delete(home.resolve("notes.txt"));
        Files.writeString(home.resolve(".ssh/id_ed25519"), "other key\n");
        Map<String, String> excludedBefore = only(RestoreFixture.describe(home), true);
        assertEquals(5, excludedBefore.size(), excludedBefore.toString());

        JsonNode dry = fx.ok("restore", "home", "--dry-run", "--json").json();
        for (String kind : List.of("added", "changed", "removed")) {
            for (JsonNode n : dry.get(kind)) {
                assertFalse(excluded(n.asText()), kind + " lists an excluded path: " + dry);
            }
        }
        assertTrue(dry.get("added").toString().contains("notes.txt"), dry.toString());
        assertTrue(dry.get("changed").toString().contains(".ssh/id_ed25519"), dry.toString());
        assertTrue(dry.get("removed").toString().contains("sub/Cache-not/kept"), dry.toString());
        RestoreFixture.Run preview = fx.ok("restore", "home", "--dry-run");
        assertFalse(preview.out().contains("Cache/") || preview.out().contains(".tmp"), preview.out());

        JsonNode r = fx.ok("restore", "home", "--yes", "--json").json();
        String pre = r.get("pre_restore_snapshot_id").asText();
        Map<String, String> after = RestoreFixture.describe(home);
        assertEquals(excludedBefore, only(after, true), "the excluded paths were touched");
        Map<String, String> savedAfter = only(after, false);
        // the folder that holds a kept excluded file stays (as it was), emptied of what was not excluded
        assertEquals("dir uid=0 gid=0 mode=755", savedAfter.remove("sub").replaceAll(" mtime=.*", ""));
        assertEquals(List.of("new.tmp"), Files.list(home.resolve("sub")).map(p -> p.getFileName().toString()).toList());
        assertEquals(saved, savedAfter, "the saved paths are not the snapshot's");

        // the way back holds the excluded paths too (taken without the source's excludes)
        String ls = restic(fx, "ls", pre);
        assertTrue(ls.contains(home + "/.cache/chrome/Default/Cache/data_2"), ls);
        assertTrue(ls.contains(home + "/sub/new.tmp"), ls);
        assertTrue(ls.contains(home + "/sub/Cache-not/kept"), ls);
    }

    @Test
    void dumpTargetIs0600AndARelativeTargetIsPrintedAbsoluteFirst() throws Exception {
        RestoreFixture fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: db
                  command: [sh, -c, "printf 'CREATE DATABASE x;\\\\nUSE x;\\\\n'"]
                  stdin-filename: db/all-databases.sql
                """);
        fx.initAndBackup("db");
        String rel = "target/it-restore-rel-" + fx.id;
        Path abs = Path.of(rel).toAbsolutePath().normalize();
        try {
            RestoreFixture.Run r = fx.ok("restore", "db", "--target", rel);
            assertTrue(r.err().contains("restoring into " + abs), r.toString());
            Path file = abs.resolve("db/all-databases.sql");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("CREATE DATABASE x;\nUSE x;\n", Files.readString(file));
            assertTrue(r.out().contains(file.toString()), r.toString());
        } finally {
            RestoreFixture.quiet("rm", "-rf", abs.toString());
        }
    }

    /** restic itself against the fixture's repository. */
    static String restic(RestoreFixture fx, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("env", "RESTIC_PASSWORD_FILE=" + fx.dir.resolve("password"),
                "RCLONE_CONFIG=" + fx.dir.resolve("rclone.conf"), "restic", "-r", "rclone:itlocal:" + fx.repo,
                "--cache-dir", fx.dir.resolve("cache").toString()));
        cmd.addAll(List.of(args));
        return RestoreFixture.sh(cmd.toArray(String[]::new));
    }
}
