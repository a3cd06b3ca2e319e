package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config check}: validation with key and line, file modes, tools, and the effective config without a secret. */
class ConfigCheckTest {
    @TempDir
    Path dir;

    private record Out(int code, String out, String err) {
    }

    private Out run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), env, new org.cfs.backup.process.Cancellation(), args);
        return new Out(code, out.toString(), err.toString());
    }

    private Path config(String extra, String pwMode) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "correct horse battery staple\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString(pwMode));
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, """
                repository:
                  url: rest:https://bob:s3cretpass@backup.example:8000/repo
                  password-file: %s
                state-dir: %s/state
                log-dir: %s/log
                sources:
                  - name: a
                    path: /tmp
                alerts:
                  - healthchecks: https://hc.example/ping/5f1e-ping-uuid
                  - webhook: http://127.0.0.1:9000/hook?token=webhooktoken
                %s""".formatted(pw, dir, dir, extra));
        Files.setPosixFilePermissions(c, PosixFilePermissions.fromString("rw-r-----"));
        return c;
    }

    @Test
    void aGoodConfigIsOkAndPrintsNoSecret() throws Exception {
        Path c = config("", "rw-------");
        Out o = run(Map.of(), "-c", c.toString(), "config", "check");
        assertEquals(ExitCode.OK, o.code(), o.out() + o.err());
        assertTrue(o.out().startsWith("config " + c + ": ok"), o.out());
        assertTrue(o.out().contains("url: rest:https://<hidden>@backup.example:8000/repo"), o.out());
        assertTrue(o.out().contains("healthchecks: https://hc.example/<hidden>"), o.out());
        assertTrue(o.out().contains("keep-daily: 7"), "defaults filled in: " + o.out());
        for (String secret : new String[] {"s3cretpass", "5f1e-ping-uuid", "webhooktoken", "bob", "correct horse"}) {
            assertFalse(o.out().contains(secret) || o.err().contains(secret), secret + " leaked:\n" + o.out());
        }
    }

    @Test
    void jsonHasProblemsToolsAndTheHiddenConfig() throws Exception {
        Path c = config("", "rw-r--r--");
        Out o = run(Map.of(), "-c", c.toString(), "config", "check", "--json");
        assertEquals(ExitCode.PARTIAL, o.code(), o.err());
        JsonNode j = JsonOutput.mapper().readTree(o.out());
        assertTrue(j.get("valid").asBoolean());
        assertEquals("repository.password-file", j.get("problems").get(0).get("key").asText());
        assertTrue(j.get("problems").get(0).get("detail").asText().contains("chmod 0600"));
        assertTrue(j.get("tools").get("restic").asText().startsWith("restic 0."), j.toString());
        assertEquals("http://127.0.0.1:9000/<hidden>", j.get("config").get("alerts").get(1).get("webhook").asText());
        assertFalse(o.out().contains("webhooktoken"));
    }

    @Test
    void aMissingToolAndAMissingRcloneConfigAreErrors() throws Exception {
        Path c = config("rclone: {config: " + dir.resolve("no-rclone.conf") + "}\n", "rw-------");
        Out o = run(Map.of("CFS_BACKUP_RESTIC", "/nonexistent/restic"), "-c", c.toString(), "config", "check");
        assertEquals(ExitCode.USAGE, o.code(), o.out());
        assertTrue(o.out().contains("error: rclone.config: file " + dir.resolve("no-rclone.conf") + " does not exist"), o.out());
        assertTrue(o.out().contains("error: restic: restic: not found (/nonexistent/restic)"), o.out());
    }

    @Test
    void aBadKeyExitsTwoNamingKeyAndLine() throws Exception {
        Path c = config("retention: {keep-daily: -1}\n", "rw-------");
        Out o = run(Map.of(), "-c", c.toString(), "config", "check");
        assertEquals(ExitCode.USAGE, o.code());
        assertTrue(o.err().matches("(?s)cfs-backup: .*config.yaml: line 12: key 'retention.keep-daily': must not be negative\\s*"), o.err());
    }

    @Test
    void credentialsInUrlsAndQueriesAreHidden() {
        assertEquals("s3:https://<hidden>@s3.example/bucket", ConfigCommand.hideCredentials("s3:https://k:v@s3.example/bucket"));
        assertEquals("jdbc:mariadb://h/db?<hidden>", ConfigCommand.hideCredentials("jdbc:mariadb://h/db?password=x"));
        assertEquals("rclone:gdrive:cfs-backup", ConfigCommand.hideCredentials("rclone:gdrive:cfs-backup"));
        assertEquals("https://ntfy.example/<hidden>", ConfigCommand.hideUrl("https://ntfy.example/secret-topic"));
    }
}
