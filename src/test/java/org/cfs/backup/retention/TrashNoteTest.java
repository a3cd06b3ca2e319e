package org.cfs.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigLoader;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.rclone.Rclone;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticSettings;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.RunHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Drive trash note of prune, from what {@code rclone config dump} says about the repository's remote. */
class TrashNoteTest {

    private static String note(Path dir, String url, String dump) throws Exception {
        Files.writeString(dir.resolve("pw"), "x\n");
        Files.writeString(dir.resolve("c.yaml"), "repository: {url: \"" + url + "\", password-file: " + dir.resolve("pw") + "}\n"
                + "rclone: {config: " + dir.resolve("rclone.conf") + "}\nstate-dir: " + dir + "/s\nlog-dir: " + dir + "/l\n");
        Config c = new ConfigLoader().load(dir.resolve("c.yaml"));
        List<List<String>> calls = new ArrayList<>();
        ProcessRunner fake = spec -> {
            calls.add(spec.command());
            return new ProcessResult(dump == null ? 1 : 0, dump == null ? "" : dump, "", Duration.ZERO, false);
        };
        Restic restic = new Restic(new ResticSettings("restic", url, dir.resolve("pw"), null,
                dir.resolve("rclone.conf"), null, List.of()), fake);
        Rclone rclone = new Rclone("rclone", dir.resolve("rclone.conf"), null, fake);
        PruneOperation op = new PruneOperation(c, restic, rclone, new Cancellation(), new RunHistory(dir),
                new AuditLog(dir), l -> { });
        String n = op.trashNote();
        if (url.startsWith("rclone:")) {
            assertEquals(List.of("rclone", "config", "dump", "--ask-password=false"), calls.get(0));
        }
        return n;
    }

    @Test
    void driveWithTrashGetsTheNote(@TempDir Path dir) throws Exception {
        String n = note(dir, "rclone:gdrive:cfs-backup", "{\"gdrive\":{\"type\":\"drive\",\"scope\":\"drive.file\"}}");
        assertTrue(n.contains("rclone cleanup gdrive:"), n);
        assertTrue(n.contains("use_trash = false"), n);
    }

    @Test
    void driveWithoutTrashLocalRemotesAndPlainPathsGetNone(@TempDir Path dir) throws Exception {
        assertNull(note(dir, "rclone:gdrive:cfs-backup", "{\"gdrive\":{\"type\":\"drive\",\"use_trash\":\"false\"}}"));
        assertNull(note(dir, "rclone:loc:/srv/repo", "{\"loc\":{\"type\":\"local\"}}"));
        assertNull(note(dir, "/srv/repo", null));
    }

    @Test
    void unknownRemoteTypeGetsAConditionalNote(@TempDir Path dir) throws Exception {
        String n = note(dir, "rclone:gdrive:cfs-backup", null);
        assertTrue(n.startsWith("If gdrive is a Google Drive remote"), n);
    }
}
