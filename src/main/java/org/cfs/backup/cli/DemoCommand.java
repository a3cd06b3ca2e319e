package org.cfs.backup.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the quick start. With nothing configured, writes an embedded default (demo data, a
 * local rclone remote, a password file, a config) under a demo folder, then runs the main job for
 * real: init, backup, and a restore drill of the snapshot.
 */
@Command(name = "demo", description = "Run the main job on an embedded default: demo data and a local rclone remote.")
final class DemoCommand extends BaseCommand {
    @Option(names = "--dir", paramLabel = "DIR", description = "Demo folder (default: $CFS_DEMO_DIR or /var/tmp/cfs-backup-demo).")
    Path dir;

    @Override
    public Integer call() throws IOException {
        Path base = dir != null ? dir : Path.of(services().env().getOrDefault("CFS_DEMO_DIR", "/var/tmp/cfs-backup-demo"));
        Path config = writeDefault(base.toAbsolutePath().normalize());
        PrintWriter out = out();
        out.println("demo config: " + config);
        String[][] steps = {{"init"}, {"backup"}, {"snapshots"}, {"drill"}};
        int worst = ExitCode.OK;
        boolean drilled = false;
        for (String[] step : steps) {
            out.println("== cfs-backup " + String.join(" ", step));
            out.flush();
            String[] args = new String[step.length + 2];
            args[0] = "-c";
            args[1] = config.toString();
            System.arraycopy(step, 0, args, 2, step.length);
            if (!RootCommand.commandNames().contains(step[0])) {
                out.println("(" + step[0] + " is not available in this build)");
                continue;
            }
            int code = Main.run(out, err(), services().env(), services().cancellation(), args);
            if (code != ExitCode.OK) {
                throw new CfsException(code, "demo step '" + String.join(" ", step) + "' failed with exit " + code);
            }
            worst = Math.max(worst, code);
            drilled |= step[0].equals("drill");
        }
        out.println("demo done: data " + base.resolve("data") + " backed up to " + base.resolve("remote")
                + (drilled ? " and restore-drilled" : " (no drill in this build)"));
        return worst;
    }

    /** Writes demo data and the embedded default config (once; the data changes a little every run). */
    static Path writeDefault(Path base) throws IOException {
        Path data = base.resolve("data");
        Path state = base.resolve("state");
        Path remote = base.resolve("remote");
        Files.createDirectories(data.resolve("docs/nested"));
        Files.createDirectories(state);
        Files.createDirectories(remote);
        Files.writeString(data.resolve("docs/readme.txt"), "cfs-backup demo data\n");
        Files.writeString(data.resolve("docs/nested/Grüße mit Leerzeichen.txt"), "unicode and spaces\n");
        Files.write(data.resolve("docs/blob.bin"), deterministicBytes(256 * 1024));
        Files.writeString(data.resolve("last-run.txt"), Instant.now() + "\n");
        Path link = data.resolve("docs/link-to-readme");
        if (!Files.isSymbolicLink(link)) {
            Files.createSymbolicLink(link, Path.of("readme.txt"));
        }
        Path password = base.resolve("restic-password");
        if (!Files.exists(password)) {
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            Files.writeString(password, HexFormat.of().formatHex(b) + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        }
        Path rclone = base.resolve("rclone.conf");
        Files.writeString(rclone, "[demo]\ntype = local\n");
        Files.setPosixFilePermissions(rclone, PosixFilePermissions.fromString("rw-------"));
        Path config = base.resolve("config.yaml");
        String yaml = """
                # embedded default of the quick start: demo data to a local rclone remote
                host: cfs-demo
                repository:
                  url: rclone:demo:%s
                  password-file: %s
                rclone:
                  config: %s
                  remote: demo
                state-dir: %s
                log-dir: %s
                cache-dir: %s
                sources:
                  - name: demo-data
                    path: %s
                retention: {keep-last: 3, keep-daily: 7}
                quota: {warn-free: 1GiB, critical-free: 100MiB}
                """.formatted(remote.resolve("repo"), password, rclone, state, base.resolve("log"),
                base.resolve("cache"), data);
        Files.writeString(config, yaml);
        return config;
    }

    private static byte[] deterministicBytes(int n) {
        byte[] b = new byte[n];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }
}
