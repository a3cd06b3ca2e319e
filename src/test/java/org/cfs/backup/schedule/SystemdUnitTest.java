package org.cfs.backup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code systemd/cfs-backup.service} passes {@code systemd-analyze verify} and keeps the settings the daemon relies on. */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("systemd/cfs-backup.service");

    @Test
    void unitHasTheStopAndConfinementSettings() throws Exception {
        String unit = Files.readString(UNIT);
        for (String line : new String[] {"Type=simple", "KillMode=mixed", "TimeoutStopSec=45", "Restart=on-failure",
                "After=docker.service", "Wants=docker.service", "IOSchedulingClass=idle", "NoNewPrivileges=yes",
                "ProtectSystem=strict", "PrivateTmp=yes", "ProtectKernelTunables=yes", "ProtectControlGroups=yes",
                "RestrictSUIDSGID=yes", "LockPersonality=yes",
                "ReadWritePaths=/var/lib/cfs-backup /var/cache/cfs-backup /var/log/cfs-infra"}) {
            assertTrue(unit.lines().anyMatch(l -> l.startsWith(line)), "missing " + line);
        }
    }

    @Test
    void systemdAnalyzeVerifyPasses(@TempDir Path dir) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze) || Files.isExecutable(Path.of("/bin/systemd-analyze")),
                "systemd-analyze is not installed");
        String unit = Files.readString(UNIT);
        // verify checks that ExecStart's program exists; point it at this checkout's launcher when not installed
        if (!Files.isExecutable(Path.of("/usr/bin/cfs-backup"))) {
            unit = unit.replace("/usr/bin/cfs-backup", Path.of("bin/cfs-backup").toAbsolutePath().toString());
        }
        // and that Documentation=man: pages exist; the package installs them (bin/test-package verifies that unit)
        if (!Files.exists(Path.of("/usr/share/man/man1/cfs-backup-daemon.1.gz"))) {
            unit = unit.replace("Documentation=man:cfs-backup-daemon(1) ", "Documentation=");
        }
        Path copy = dir.resolve("cfs-backup.service");
        Files.writeString(copy, unit);
        Process p = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        assertEquals(0, code, out);
        assertTrue(out.lines().noneMatch(l -> l.contains("cfs-backup.service")), out);
    }
}
