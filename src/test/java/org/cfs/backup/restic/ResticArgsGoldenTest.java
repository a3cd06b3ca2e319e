package org.cfs.backup.restic;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each {@link ResticArgs} builder's argument list and environment against its golden file
 * {@code golden/restic/NAME.args}, exactly (regenerate: see {@link Golden}). No process runs.
 */
class ResticArgsGoldenTest {
    /** A local repository, a cache, the password as a file; restic 0.14 (no --retry-lock). */
    static final ResticArgs LOCAL = new ResticArgs(new ResticSettings("restic", "/srv/repo", Path.of("/etc/cfs/pw"),
            Path.of("/var/cache/cfs"), null, null, List.of()), () -> new ResticVersion(0, 14, 0));
    /** Google Drive through rclone, a sealed credential as password command, Drive's extra flag; restic 0.16. */
    static final ResticArgs DRIVE = new ResticArgs(new ResticSettings("/usr/bin/restic", "rclone:gdrive:cfs", null,
            null, Path.of("/etc/cfs/rclone.conf"), null, List.of("--drive-stop-on-upload-limit"),
            "systemd-creds decrypt --name=p /c/p.cred -", null), () -> new ResticVersion(0, 16, 4));

    static Map<String, Function<ResticArgs, List<String>>> cases() {
        Map<String, Function<ResticArgs, List<String>>> c = new LinkedHashMap<>();
        c.put("version", ResticArgs::versionArgs);
        c.put("backup-volume", a -> a.backupArgs(new BackupRequest("vps-1", List.of("open-webui"),
                List.of("/var/lib/docker/volumes/open-webui/_data", "-odd"), List.of("*.tmp", "cache/"), null,
                "abc123", false)));
        c.put("backup-stdin-dry-run", a -> a.backupArgs(new BackupRequest("vps-1", List.of("mariadb", "extra"),
                List.of(), List.of(), "mariadb/all.sql", null, true)));
        c.put("snapshots", a -> a.snapshotsArgs("vps-1", List.of("open-webui")));
        c.put("snapshots-all", a -> a.snapshotsArgs(null, null));
        c.put("snapshots-no-lock", a -> a.snapshotsNoLockArgs("vps-1", List.of("a", "b")));
        c.put("cat-config", ResticArgs::catConfigArgs);
        c.put("init", ResticArgs::initArgs);
        c.put("unlock", ResticArgs::unlockArgs);
        c.put("forget-ids", a -> a.forgetIdsArgs(List.of("abc123", "def456")));
        c.put("add-tag", a -> a.addTagArgs(List.of("abc123"), "pre-restore"));
        c.put("remove-tag", a -> a.removeTagArgs(List.of("abc123"), "cfs-pass1"));
        c.put("list-locks", ResticArgs::listLocksArgs);
        c.put("cat-lock", a -> a.catLockArgs("4a9c1e0b7d2f"));
        c.put("unlock-remove-all", ResticArgs::unlockRemoveAllArgs);
        c.put("stats-restore-size", a -> a.restoreSizeArgs("abc123"));
        c.put("forget-policy", a -> a.forgetArgs("vps-1", "open-webui", List.of("--keep-daily", "7", "--keep-weekly", "4"),
                false));
        c.put("forget-policy-dry-run", a -> a.forgetArgs("vps-1", "open-webui", List.of("--keep-last", "3"), true));
        c.put("prune", a -> a.pruneArgs(false));
        c.put("prune-dry-run", a -> a.pruneArgs(true));
        c.put("ls", a -> a.lsArgs("abc123", List.of("/data", "/etc")));
        c.put("ls-latest", a -> a.lsLatestArgs("vps-1", "open-webui", "/var/lib/docker/volumes/open-webui/_data"));
        c.put("ls-folder", a -> a.lsFolderArgs("abc123", "/data/sub dir"));
        c.put("dump", a -> a.dumpArgs("abc123", "/mariadb/all.sql"));
        c.put("dump-large-pipe", a -> ResticArgs.withLargePipe(a.dumpArgs("abc123", "/data")));
        c.put("dump-latest", a -> a.dumpLatestArgs("vps-1", "files", "/srv/files"));
        c.put("restore", a -> a.restoreArgs("abc123", "/restore/here", List.of(), false));
        c.put("restore-include-verify", a -> a.restoreArgs("abc123", "/t", List.of("/a/b", "/c"), true));
        c.put("restore-latest", a -> a.restoreLatestArgs("vps-1", "files", "/srv/files", "/var/lib/cfs/staging"));
        c.put("check", a -> a.checkArgs(null));
        c.put("check-subset", a -> a.checkArgs("10%"));
        c.put("find", a -> a.findArgs("vps-1", List.of("files"), "*.sqlite"));
        c.put("diff", a -> a.diffArgs("abc123", "def456"));
        return c;
    }

    /** One argument a line, then the environment restic gets ({@code --- env}, NAME=VALUE in order). */
    static String render(ResticArgs a, List<String> argv) {
        StringBuilder sb = new StringBuilder();
        argv.forEach(x -> sb.append(x).append('\n'));
        sb.append("--- env\n");
        if (!argv.equals(a.versionArgs())) {
            a.environment().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        }
        return sb.toString();
    }

    @TestFactory
    Stream<DynamicTest> everyBuilderMatchesItsGoldenFile() {
        return cases().entrySet().stream().flatMap(e -> Stream.of(
                DynamicTest.dynamicTest(e.getKey(), () -> Golden.check(e.getKey() + ".args",
                        render(LOCAL, e.getValue().apply(LOCAL)))),
                DynamicTest.dynamicTest(e.getKey() + " (drive)", () -> Golden.check(e.getKey() + ".drive.args",
                        render(DRIVE, e.getValue().apply(DRIVE))))));
    }

    @Test
    void noGoldenFileIsLeftWithoutACase() {
        List<String> names = cases().keySet().stream().flatMap(n -> Stream.of(n, n + ".drive")).toList();
        Golden.noStaleFiles(".args", names);
    }

    @Test
    void noArgumentListCarriesAPassword() {
        for (var e : cases().entrySet()) {
            for (ResticArgs a : List.of(LOCAL, DRIVE)) {
                // the password goes by file or command in the environment: no --password-file, -p or key on the line
                assertFalse(e.getValue().apply(a).stream().anyMatch(x -> x.startsWith("--password")
                        || x.startsWith("--key-hint") || x.contains("/etc/cfs/pw") || x.contains("p.cred")), e.getKey());
            }
        }
    }
}
