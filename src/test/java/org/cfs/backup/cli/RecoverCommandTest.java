package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.restore.RestoreAllOperation;
import org.cfs.backup.config.SourceConfig;
import org.junit.jupiter.api.Test;

/** The text edits recover makes to a saved config, the hosts it reports, and restore --all's order. */
class RecoverCommandTest {
    @Test
    void hostIsSetOrAddedFirst() {
        assertEquals("host: old\nrepository:\n  url: x\n", RecoverCommand.withHost("host: vps-1\nrepository:\n  url: x\n", "old"));
        String added = RecoverCommand.withHost("repository:\n  url: x\n", "old");
        assertTrue(added.startsWith("# host: written by 'cfs-backup recover'"), added);
        assertTrue(added.contains("\nhost: old\nrepository:\n"), added);
        // a nested host: key (e.g. of a source) is not the top-level one
        assertTrue(RecoverCommand.withHost("web:\n  host: a\n", "old").contains("\nhost: old\nweb:\n  host: a\n"));
    }

    @Test
    void repositoryUrlBecomesTheOneThatOpened() {
        String yaml = "host: a\nrepository:   # where\n  password-file: /p\n  url: rest:https://u:<redacted>@h/r  # the repo\nstate-dir: /s\n";
        assertEquals("host: a\nrepository:   # where\n  password-file: /p\n  url: rclone:gdrive:cfs-backup  # the repo\nstate-dir: /s\n",
                RecoverCommand.withRepository(yaml, "rclone:gdrive:cfs-backup"));
        assertEquals("repository:\n  url: \"/srv/my repo\"\n", RecoverCommand.withRepository("repository:\n  url: /old\n", "/srv/my repo"));
        String flow = "repository: {url: a, password-file: /p}\n";
        assertEquals(flow, RecoverCommand.withRepository(flow, "b"));
    }

    @Test
    void secretFilesAreTheFilesTheConfigNames() {
        List<RecoverCommand.SecretFile> f = RecoverCommand.secretFiles("""
                repository: {url: x, password-file: /etc/cfs-backup/restic-password}
                rclone: {config: /etc/cfs-backup/rclone.conf, config-password-file: /etc/cfs-backup/rclone-pass}
                metrics-file: /var/lib/x.prom
                alerts:
                  - email: {to: a@b, smtp: "smtp://localhost", password-file: /etc/cfs-backup/smtp}
                """);
        assertEquals(List.of("repository.password-file", "rclone.config", "rclone.config-password-file", "alerts[0].email.password-file"),
                f.stream().map(RecoverCommand.SecretFile::key).toList());
        assertEquals("/etc/cfs-backup/smtp", f.get(3).path());
    }

    @Test
    void hostsAreCountedWithoutServiceSnapshots() {
        Instant t = Instant.parse("2026-12-01T03:00:00Z");
        List<Snapshot> all = List.of(
                new Snapshot("a1", "a1", t, "A", List.of("/d"), List.of("files"), null, null, null),
                new Snapshot("a2", "a2", t.plusSeconds(60), "A", List.of("/d"), List.of("files", "pre-restore"), null, null, null),
                new Snapshot("a3", "a3", t.plusSeconds(120), "A", List.of("/cfs-backup/config.yaml"), List.of("cfs-config", "sha256-x"), null, null, null),
                new Snapshot("b1", "b1", t.plusSeconds(300), "B", List.of("/d"), List.of("files"), null, null, null));
        List<RecoverCommand.HostRow> rows = RecoverCommand.hosts(all);
        assertEquals(List.of("B", "A"), rows.stream().map(RecoverCommand.HostRow::host).toList());
        RecoverCommand.HostRow a = rows.get(1);
        assertEquals(1, a.snapshots());
        assertEquals(List.of("files"), a.sources());
        assertEquals("a3", a.configSnapshotId());
        assertEquals(null, rows.get(0).configSnapshotId());
    }

    @Test
    void restoreAllOrderIsFoldersThenVolumesThenDumps() {
        SourceConfig dump = new SourceConfig("db", null, null, null, List.of("dump"), null, null, null, null, null, null);
        SourceConfig vol = new SourceConfig("vol", "v", null, null, null, null, null, null, null, null, null);
        SourceConfig files = new SourceConfig("files", null, "/f", null, null, null, null, null, null, null, null);
        SourceConfig more = new SourceConfig("more", null, null, List.of("/a", "/b"), null, null, null, null, null, null, null);
        assertEquals(List.of("files", "more", "vol", "db"), RestoreAllOperation.order(List.of(dump, vol, files, more)).stream()
                .map(SourceConfig::name).toList());
    }
}
