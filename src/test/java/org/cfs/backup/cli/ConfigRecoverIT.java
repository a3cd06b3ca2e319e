package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.restore.RestoreFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository describes itself: each backup run saves the config (inline secrets redacted) as a
 * cfs-config snapshot, only when it changed; such snapshots never count as a source's; and
 * {@code recover} writes it back on a machine without a config, with the host it came from.
 */
class ConfigRecoverIT {
    @TempDir
    Path tmp;

    static String restic(RestoreFixture fx, String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "RESTIC_PASSWORD_FILE=" + fx.dir.resolve("password"),
                "RCLONE_CONFIG=" + fx.dir.resolve("rclone.conf"), "restic", "-r", "rclone:itlocal:" + fx.repo,
                "--cache-dir", fx.dir.resolve("cache").toString()));
        cmd.addAll(List.of(args));
        return RestoreFixture.sh(cmd.toArray(String[]::new));
    }

    static JsonNode configSnapshots(RestoreFixture fx) throws Exception {
        return RestoreFixture.JSON.readTree(restic(fx, "snapshots", "--json", "--tag", "cfs-config"));
    }

    @Test
    void backupSavesTheConfigWhenChangedAndRecoverWritesItBack() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(src.resolve("f.txt"), "payload\n");
        RestoreFixture fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: data
                  path: %s
                """.formatted(src));
        // no host: line (the machine's name is used), and an alert URL with inline credentials
        String yaml = Files.readString(fx.config).replaceFirst("(?m)^host: .*\\n", "")
                + "alerts:\n  - webhook: \"http://ops:pa55@127.0.0.1:9/hook?token=tok123\"\n";
        Files.writeString(fx.config, yaml);
        String machine = RestoreFixture.sh("hostname");
        fx.initAndBackup("data");
        JsonNode saved = configSnapshots(fx);
        assertEquals(1, saved.size(), saved.toString());
        String dumped = restic(fx, "dump", saved.get(0).get("id").asText(), saved.get(0).get("paths").get(0).asText());
        assertTrue(dumped.contains("password-file: " + fx.dir.resolve("password")), dumped);
        assertFalse(dumped.contains("pa55") || dumped.contains("tok123") || dumped.contains("it-password"), dumped);
        assertTrue(dumped.contains("http://ops:<redacted>@127.0.0.1:9/hook?token=<redacted>"), dumped);

        fx.backup("data");
        assertEquals(1, configSnapshots(fx).size(), "an unchanged config was saved again");
        Files.delete(fx.dir.resolve("state/cfs-config.sha256"));
        fx.backup("data");
        assertEquals(1, configSnapshots(fx).size(), "without the state file the repository's hash tag decides");
        Files.writeString(fx.config, Files.readString(fx.config) + "# changed\n");
        fx.backup("data");
        assertEquals(2, configSnapshots(fx).size(), "a changed config was not saved");

        // never a source's snapshot: not listed, not drilled, not the newest in status
        JsonNode list = fx.ok("snapshots", "--all-hosts", "--json").json();
        assertEquals(4, list.size(), list.toString());
        list.forEach(r -> assertFalse(r.get("tags").toString().contains("cfs-config"), r.toString()));
        assertTrue(fx.ok("drill", "--json").json().get("passed").asBoolean());

        // a new machine: no config at all
        Path out = tmp.resolve("new-machine/etc/config.yaml");
        String[] recover = {"-c", tmp.resolve("none.yaml").toString(), "recover", "--repository", "rclone:itlocal:" + fx.repo,
                "--password-file", fx.dir.resolve("password").toString(), "--rclone-config",
                fx.dir.resolve("rclone.conf").toString(), "--config-out", out.toString()};
        RestoreFixture.Run r = run(recover);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains(machine), r.toString());
        assertTrue(r.out().contains("next:") && r.out().contains("restore --all --dry-run"), r.toString());
        assertTrue(r.out().contains("http://ops:<redacted>@"), "the redacted line is not named: " + r);
        String written = Files.readString(out);
        assertTrue(written.contains("\nhost: " + machine + "\n"), written);
        assertTrue(written.endsWith("# changed\n"), "not the newest saved config: " + written);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        // the redacted URL makes the config refuse to load (naming key and line) until the operator fills it in
        RestoreFixture.Run unfilled = run("-c", out.toString(), "snapshots");
        assertEquals(2, unfilled.code(), unfilled.toString());
        assertTrue(unfilled.err().contains("alerts[0].webhook"), unfilled.toString());
        Files.writeString(out, written.replace("ops:<redacted>@", "ops:pa55@").replace("token=<redacted>", "token=tok123"));
        RestoreFixture.Run snaps = run("-c", out.toString(), "snapshots", "--json");
        assertEquals(0, snaps.code(), snaps.toString());
        assertEquals(4, snaps.json().size(), snaps.toString());

        RestoreFixture.Run again = run(recover);
        assertEquals(2, again.code(), again.toString());
        assertTrue(again.err().contains("--force"), again.toString());
        List<String> forced = new ArrayList<>(List.of(recover));
        forced.add("--force");
        forced.add("--json");
        RestoreFixture.Run j = run(forced.toArray(String[]::new));
        assertEquals(0, j.code(), j.toString());
        assertEquals(machine, j.json().get("host").asText());
        assertEquals(1, j.json().get("hosts").size());
        assertEquals(4, j.json().get("hosts").get(0).get("snapshots").asInt());
        forced.add("--host");
        forced.add("no-such-host");
        assertEquals(2, run(forced.toArray(String[]::new)).code());
    }

    static RestoreFixture.Run run(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), System.getenv(),
                new org.cfs.backup.process.Cancellation(), args);
        return new RestoreFixture.Run(code, out.toString(), err.toString());
    }
}
