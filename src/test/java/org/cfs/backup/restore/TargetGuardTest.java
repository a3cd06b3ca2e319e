package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Targets that would overwrite the system or cfs-backup's own data are refused (exit 2). */
class TargetGuardTest {
    @TempDir
    Path tmp;

    @Test
    void refusesSystemFoldersStateAndRepository() throws Exception {
        Files.writeString(tmp.resolve("pw"), "x");
        Path cfg = tmp.resolve("c.yaml");
        Files.writeString(cfg, """
                repository: {url: "rclone:gd:%s/repo", password-file: %s/pw}
                state-dir: %s/state
                log-dir: %s/log
                sources:
                  - {name: a, path: /srv/a}
                """.formatted(tmp, tmp, tmp, tmp));
        Config c = new ConfigLoader().load(cfg);
        TargetGuard g = new TargetGuard(c);
        for (String bad : new String[] {"/", "/etc", "/etc/x", "/usr/local", "/bin", "/boot/efi", "/var/lib/docker",
                "/var/lib/docker/volumes/v/_data", "/proc/1", "/var", "/home", "/opt", tmp + "/state", tmp + "/state/sub",
                tmp + "/repo/data", tmp + "/log", tmp.toString(), "/tmp/../etc"}) {
            CfsException e = assertThrows(CfsException.class, () -> g.check(Path.of(bad)), bad);
            assertEquals(2, e.exitCode(), bad);
        }
        Path link = tmp.resolve("to-etc");
        Files.createSymbolicLink(link, Path.of("/etc"));
        assertThrows(CfsException.class, () -> g.check(link.resolve("new")));
        assertEquals(tmp.resolve("restore/here"), g.check(tmp.resolve("restore/here")));
        assertEquals(Path.of("/opt/restore-test"), g.check(Path.of("/opt/restore-test")));
    }

    @Test
    void localRepositoryPaths() {
        assertEquals("/srv/repo", TargetGuard.localRepositoryPath("/srv/repo"));
        assertEquals("/srv/repo", TargetGuard.localRepositoryPath("local:/srv/repo"));
        assertEquals("/srv/repo", TargetGuard.localRepositoryPath("rclone:demo:/srv/repo"));
        assertNull(TargetGuard.localRepositoryPath("rclone:gdrive:cfs-backup"));
        assertNull(TargetGuard.localRepositoryPath("s3:https://x/bucket"));
    }

    @Test
    void targetMustBeAbsentOrEmpty() throws Exception {
        TargetGuard.requireAbsentOrEmpty(tmp.resolve("absent"));
        Files.createDirectories(tmp.resolve("empty"));
        TargetGuard.requireAbsentOrEmpty(tmp.resolve("empty"));
        Files.writeString(tmp.resolve("empty/x"), "x");
        assertEquals(2, assertThrows(CfsException.class, () -> TargetGuard.requireAbsentOrEmpty(tmp.resolve("empty"))).exitCode());
        assertEquals(2, assertThrows(CfsException.class, () -> TargetGuard.requireAbsentOrEmpty(tmp.resolve("empty/x"))).exitCode());
    }
}
