package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.restore.RestoreFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The day of disaster, end to end with the real restic, rclone, Docker and MariaDB. Host "A" backs
 * up a path source (owners, modes, links, UTF-8 names), a stop volume used by a container and a
 * MariaDB dump; then everything of A is destroyed (config, state, log and cache dirs, the
 * secrets' files, volume, container, folder, database). A config-less "new machine" with another
 * host name, given only the repository URL, the password and the rclone config, runs
 * {@code recover} and {@code restore --all --yes}: every source comes back byte-exact (paths,
 * owners, modes, mtimes, contents), the database with its rows, and the next backup appends to
 * A's history. Step timings go to target/disaster-timings.txt (docs/disaster-recovery.md).
 */
class DisasterIT {
    @TempDir
    Path tmp;

    final String id = UUID.randomUUID().toString().substring(0, 8);
    final String hostA = "cfs-it-disaster-a-" + id;
    final String db = "cfs_it_disaster_" + id;
    final String volume = "cfs-it-disaster-" + id;
    final String container = "cfs-it-disaster-" + id;
    final List<String> containers = new ArrayList<>(List.of(container));

    @AfterEach
    void tearDown() {
        for (String c : containers) {
            RestoreFixture.quiet("docker", "rm", "-f", c);
        }
        RestoreFixture.quiet("docker", "volume", "rm", "-f", volume);
        RestoreFixture.quiet("mariadb", "-e", "DROP DATABASE IF EXISTS " + db);
    }

    static RestoreFixture.Run cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), System.getenv(),
                new org.cfs.backup.process.Cancellation(), args);
        return new RestoreFixture.Run(code, out.toString(), err.toString());
    }

    static RestoreFixture.Run ok(String... args) {
        RestoreFixture.Run r = cli(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r);
        return r;
    }

    String rows() {
        return RestoreFixture.sh("mariadb", "-N", "-e", "SELECT COUNT(*), SUM(n), GROUP_CONCAT(v ORDER BY id) FROM " + db + ".t");
    }

    @Test
    void aLostHostComesBackFromTheRepositoryAlone() throws Exception {
        Map<String, Double> timings = new LinkedHashMap<>();
        Path machineA = tmp.resolve("machine-a");
        Path site = machineA.resolve("site");
        Path files = site.resolve("opt/app");
        // a path source with owners, modes, links and UTF-8 names, below folders of its own owners
        Files.createDirectories(files.resolve("café/naïve-文件"));
        Files.createDirectories(files.resolve(".ssh"));
        Files.writeString(files.resolve("café/naïve-文件/Grüße.txt"), "héllo wörld 🌍\n");
        Files.writeString(files.resolve(".ssh/id_ed25519"), "-----BEGIN KEY-----\n");
        Files.write(files.resolve("blob.bin"), new java.util.Random(12).ints(200_000).mapToObj(Integer::toString)
                .reduce(new StringBuilder(), StringBuilder::append, StringBuilder::append).toString().getBytes());
        Files.writeString(files.resolve("run.sh"), "#!/bin/sh\necho run\n");
        Files.createSymbolicLink(files.resolve("latest"), Path.of("café/naïve-文件/Grüße.txt"));
        Files.createSymbolicLink(files.resolve("dangling"), Path.of("/nonexistent/target"));
        Files.createLink(files.resolve("hard-b"), files.resolve("run.sh"));
        Files.setPosixFilePermissions(files.resolve(".ssh"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(files.resolve(".ssh/id_ed25519"), PosixFilePermissions.fromString("rw-------"));
        RestoreFixture.sh("chown", "-R", "1000:1000", files.toString());
        RestoreFixture.sh("chmod", "4750", files.resolve("run.sh").toString()); // setuid, after chown (which clears it)
        RestoreFixture.sh("chown", "-h", "33:33", files.resolve("latest").toString());
        RestoreFixture.sh("chown", "1000:33", site.resolve("opt").toString());
        Files.setPosixFilePermissions(site.resolve("opt"), PosixFilePermissions.fromString("rwxr-x--x"));

        // a stop volume used by a container
        RestoreFixture.sh("docker", "volume", "create", volume);
        Path mp = Path.of(RestoreFixture.sh("docker", "volume", "inspect", "--format", "{{.Mountpoint}}", volume));
        Files.createDirectories(mp.resolve("db"));
        Files.writeString(mp.resolve("db/webui.db"), "sqlite bytes ".repeat(5000));
        Files.writeString(mp.resolve("config.json"), "{\"theme\": \"dark\"}\n");
        RestoreFixture.sh("chown", "-R", "0:1000", mp.resolve("db").toString());
        RestoreFixture.sh("docker", "run", "-d", "--init", "--name", container, "-v", volume + ":/data",
                "cfs-busybox:latest", "/bin/sleep", "3600");

        // a MariaDB dump
        RestoreFixture.sh("mariadb", "-e", "CREATE DATABASE " + db + "; CREATE TABLE " + db
                + ".t (id INT PRIMARY KEY, n INT, v VARCHAR(40)) CHARACTER SET utf8mb4; INSERT INTO " + db
                + ".t VALUES (1, 10, 'one'), (2, 20, 'zwei'), (3, 30, 'trois'), (4, 40, 'четыре');");
        String rowsBefore = rows();

        Path remote = tmp.resolve("drive");
        Path repo = remote.resolve("cfs-backup");
        Files.createDirectories(remote);
        Path secretsA = machineA.resolve("etc/cfs-backup");
        Files.createDirectories(secretsA);
        Files.writeString(secretsA.resolve("restic-password"), "disaster-pw-" + id + "\n");
        Files.writeString(secretsA.resolve("rclone.conf"), "[itdrive]\ntype = local\n");
        Path configA = secretsA.resolve("config.yaml");
        Files.writeString(configA, """
                host: %s
                repository:
                  url: rclone:itdrive:%s
                  password-file: %s
                rclone:
                  config: %s
                  remote: itdrive
                state-dir: %s
                log-dir: %s
                cache-dir: %s
                sources:
                  - name: app-files
                    path: %s
                  - name: webui
                    volume: %s
                    consistency: stop
                  - name: mariadb
                    command: [mariadb-dump, --single-transaction, --databases, %s]
                    stdin-filename: mariadb/%s.sql
                    restore-command: [mariadb]
                """.formatted(hostA, repo, secretsA.resolve("restic-password"), secretsA.resolve("rclone.conf"),
                machineA.resolve("var/lib/cfs-backup"), machineA.resolve("var/log/cfs-infra"),
                machineA.resolve("var/cache/cfs-backup"), files, volume, db, db));
        RestoreFixture.Run init = ok("-c", configA.toString(), "init");
        assertTrue(init.out().contains("keep off this host"), "init does not say what to keep off the host: " + init);
        JsonNode b1 = ok("-c", configA.toString(), "backup", "--json").json();
        assertEquals("ok", b1.get("status").asText(), b1.toString());
        Map<String, String> filesBefore = RestoreFixture.describe(site);
        Map<String, String> volumeBefore = RestoreFixture.describe(mp);

        // the operator keeps these off the host: the repository URL, the password, the rclone config
        Path offHost = tmp.resolve("off-host");
        Files.createDirectories(offHost);
        Files.copy(secretsA.resolve("restic-password"), offHost.resolve("restic-password"));
        Files.copy(secretsA.resolve("rclone.conf"), offHost.resolve("rclone.conf"));
        String url = "rclone:itdrive:" + repo;

        // disaster: everything of A is gone
        RestoreFixture.sh("docker", "rm", "-f", container);
        RestoreFixture.sh("docker", "volume", "rm", volume);
        RestoreFixture.sh("mariadb", "-e", "DROP DATABASE " + db);
        RestoreFixture.sh("rm", "-rf", machineA.toString());
        assertFalse(Files.exists(machineA));

        // a new machine, another host name, no config: recover
        Path newConfig = tmp.resolve("new-machine/config.yaml");
        long t = System.nanoTime();
        RestoreFixture.Run rec = ok("-c", newConfig.toString(), "recover", "--repository", url, "--password-file",
                offHost.resolve("restic-password").toString(), "--rclone-config", offHost.resolve("rclone.conf").toString());
        timings.put("recover", secs(t));
        System.out.println("$ cfs-backup recover ...\n" + rec.out());
        assertTrue(rec.out().contains(hostA), rec.toString());
        assertTrue(Files.readString(newConfig).contains("host: " + hostA), Files.readString(newConfig));
        // it names the secret files to put back, and how
        assertTrue(rec.out().contains("install -D -m 600 " + offHost.resolve("restic-password") + " "
                + secretsA.resolve("restic-password")), rec.toString());
        for (String line : rec.out().split("\n")) {
            if (line.strip().startsWith("install -D -m 600 ")) {
                String[] w = line.strip().split(" ");
                RestoreFixture.sh("install", "-D", "-m", "600", w[4], w[5]);
            }
        }
        assertTrue(Files.exists(secretsA.resolve("rclone.conf")));

        t = System.nanoTime();
        RestoreFixture.Run dry = ok("-c", newConfig.toString(), "restore", "--all", "--dry-run");
        timings.put("restore --all --dry-run", secs(t));
        assertTrue(dry.out().contains("would be created"), dry.toString());

        // loading a dump with its restore-command replaces live data: confirmed like any in-place restore
        RestoreFixture.Run unconfirmed = cli("-c", newConfig.toString(), "restore", "mariadb");
        assertEquals(2, unconfirmed.code(), unconfirmed.toString());
        assertTrue(unconfirmed.err().contains("--yes"), unconfirmed.toString());
        assertEquals("0", RestoreFixture.sh("mariadb", "-N", "-e", "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name='" + db + "'"));

        t = System.nanoTime();
        RestoreFixture.Run all = cli("-c", newConfig.toString(), "restore", "--all", "--yes");
        timings.put("restore --all --yes", secs(t));
        System.out.println("$ cfs-backup restore --all --dry-run\n" + dry.out() + "$ cfs-backup restore --all --yes\n" + all.out()
                + all.err());
        assertEquals(0, all.code(), all.toString());
        assertTrue(all.out().contains("3 of 3 sources restored"), all.toString());
        // folders first, then the volume, then the dump
        String out = all.out();
        assertTrue(out.indexOf("app-files") < out.indexOf("webui") && out.indexOf("webui") < out.indexOf("mariadb "), out);

        assertEquals(filesBefore, RestoreFixture.describe(site), "the path source (with its parent folders) is not as it was");
        Path mp2 = Path.of(RestoreFixture.sh("docker", "volume", "inspect", "--format", "{{.Mountpoint}}", volume));
        assertEquals(volumeBefore, RestoreFixture.describe(mp2), "the volume is not as it was");
        assertEquals(rowsBefore, rows(), "the database is not as it was");
        // the app starts on its volume again
        String c2 = container + "-new";
        containers.add(c2);
        assertEquals("{\"theme\": \"dark\"}", RestoreFixture.sh("docker", "run", "--name", c2, "-v", volume + ":/data",
                "cfs-busybox:latest", "/bin/cat", "/data/config.json"));

        // the next backup appends to A's history
        t = System.nanoTime();
        JsonNode b2 = ok("-c", newConfig.toString(), "backup", "--json").json();
        timings.put("backup (first on the new machine)", secs(t));
        assertEquals("ok", b2.get("status").asText(), b2.toString());
        JsonNode snaps = ok("-c", newConfig.toString(), "snapshots", "--json").json();
        Map<String, Integer> perSource = new LinkedHashMap<>();
        for (JsonNode s : snaps) {
            assertEquals(hostA, s.get("host").asText(), s.toString());
            if (!s.get("tags").toString().contains("pre-restore")) {
                perSource.merge(s.get("source").asText(), 1, Integer::sum);
            }
        }
        assertEquals(Map.of("app-files", 2, "webui", 2, "mariadb", 2), perSource, snaps.toString());

        t = System.nanoTime();
        JsonNode drill = ok("-c", newConfig.toString(), "drill", "--json").json();
        timings.put("drill", secs(t));
        assertTrue(drill.get("passed").asBoolean(), drill.toString());

        // restore SOURCE without --target loads the dump with its restore-command too
        RestoreFixture.sh("mariadb", "-e", "DELETE FROM " + db + ".t WHERE id > 1");
        JsonNode one = ok("-c", newConfig.toString(), "restore", "mariadb", "--yes", "--json").json();
        assertEquals("pipe", one.get("mode").asText(), one.toString());
        assertEquals(rowsBefore, rows());

        StringBuilder sb = new StringBuilder();
        timings.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-36s %6.1f s%n", k, v)));
        Files.writeString(Path.of("target/disaster-timings.txt"), sb.toString());
        System.out.println("disaster timings:\n" + sb);
    }

    static double secs(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e8) / 10.0;
    }
}
