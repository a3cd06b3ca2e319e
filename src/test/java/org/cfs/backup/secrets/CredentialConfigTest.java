package org.cfs.backup.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cfs.backup.CfsException;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.ConfigException;
import org.cfs.backup.config.ConfigLoader;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credential keys of the config, and how a credential reaches restic and rclone. */
class CredentialConfigTest {
    @TempDir
    Path dir;

    private Config load(String repo, String extra) throws Exception {
        Path c = dir.resolve("c.yaml");
        Files.writeString(c, "repository:\n  url: /srv/repo\n" + repo + "state-dir: /tmp/s\n" + extra);
        return new ConfigLoader().load(c);
    }

    @Test
    void aCredentialReplacesThePasswordFileAndCredentialsDirHasItsDefault() throws Exception {
        Config c = load("  password-credential: restic-password\n", "");
        assertEquals("restic-password", c.repository().passwordCredential());
        assertNull(c.repository().passwordFile());
        assertEquals(Path.of("/etc/cfs-backup/credentials"), c.credentialsDir());
        Config d = load("  password-credential: restic-password\n", "credentials-dir: /srv/creds\n"
                + "rclone: {config-password-credential: rclone-pw}\n");
        assertEquals(Path.of("/srv/creds"), d.credentialsDir());
        assertEquals("rclone-pw", d.rclone().configPasswordCredential());
    }

    @Test
    void fileAndCredentialExcludeEachOtherAndNamesAreChecked() throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "x\n");
        ConfigException both = assertThrows(ConfigException.class,
                () -> load("  password-file: " + pw + "\n  password-credential: p\n", ""));
        assertTrue(both.getMessage().contains("line 4: key 'repository.password-credential': and password-file exclude each other"),
                both.getMessage());
        ConfigException bad = assertThrows(ConfigException.class, () -> load("  password-credential: ../x\n", ""));
        assertTrue(bad.getMessage().contains("'../x' is not a credential name"), bad.getMessage());
        ConfigException none = assertThrows(ConfigException.class, () -> load("", ""));
        assertTrue(none.getMessage().contains("or password-credential"), none.getMessage());
        ConfigException blank = assertThrows(ConfigException.class,
                () -> load("  password-credential: p\n", "credentials-dir: /srv/my creds\n"));
        assertTrue(blank.getMessage().contains("key 'credentials-dir'"), blank.getMessage());
    }

    @Test
    void systemdsDecryptedFileWinsElseThePasswordCommandDecrypts() throws Exception {
        Path sealedDir = Files.createDirectories(dir.resolve("creds"));
        Files.writeString(sealedDir.resolve("restic-password.cred"), "sealed bytes");
        Credentials byHand = new Credentials(sealedDir, Map.of());
        Credentials.Source s = byHand.resolve("k", "restic-password");
        assertNull(s.file());
        assertEquals("systemd-creds decrypt --name=restic-password " + sealedDir.resolve("restic-password.cred") + " -",
                s.command());

        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("restic-password"), "clear");
        Credentials underUnit = new Credentials(sealedDir, Map.of(Credentials.ENV, run.toString()));
        assertEquals(run.resolve("restic-password"), underUnit.resolve("k", "restic-password").file());
        assertEquals("cat " + run.resolve("restic-password"), underUnit.resolve("k", "restic-password").asCommand());

        CfsException missing = assertThrows(CfsException.class, () -> byHand.resolve("repository.password-credential", "nope"));
        assertEquals(2, missing.exitCode());
    }

    @Test
    void resticGetsThePasswordCommandAndRcloneItsOwnNeverTheSecret() {
        Restic r = new Restic(new ResticSettings("restic", "/srv/repo", null, null, null, null, List.of(),
                "systemd-creds decrypt --name=p /c/p.cred -", "systemd-creds decrypt --name=r /c/r.cred -"), spec -> {
                    throw new AssertionError("runs nothing");
                });
        Map<String, String> env = r.args().environment();
        assertEquals("systemd-creds decrypt --name=p /c/p.cred -", env.get("RESTIC_PASSWORD_COMMAND"));
        assertEquals("systemd-creds decrypt --name=r /c/r.cred -", env.get("RCLONE_PASSWORD_COMMAND"));
        assertFalse(env.containsKey("RESTIC_PASSWORD_FILE"));
        assertFalse(env.containsKey("RCLONE_CONFIG_PASS"));
    }
}
