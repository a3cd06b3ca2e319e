package org.cfs.backup.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cfs-backup's secret files (owner root, no group/other access), the IDE home's owner, held secrets. */
class SecretAndHomeRulesTest {
    @TempDir
    Path dir;

    private static boolean root() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    @Test
    void secretFileModes() throws IOException {
        Path f = dir.resolve("restic-password");
        Files.writeString(f, "s3cret-value\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(f, "unix:uid", 0);
        Assumptions.assumeTrue(root(), "needs root to own files as root");
        assertNull(SecretFilesRule.check("restic password file", f));

        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        Finding world = SecretFilesRule.check("restic password file", f);
        assertEquals("secret-file-permissions", world.rule());
        assertEquals(Severity.CRITICAL, world.severity());
        assertEquals(f.toString(), world.subject());
        assertTrue(world.detail().contains("mode 0644") && world.detail().contains("group and others read"), world.detail());
        assertTrue(!world.detail().contains("s3cret-value"), world.detail());

        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(f, "unix:uid", 1000);
        Finding owner = SecretFilesRule.check("restic password file", f);
        assertTrue(owner.detail().contains("owned by uid 1000"), owner.detail());

        Finding missing = SecretFilesRule.check("rclone config", dir.resolve("absent"));
        assertEquals("audit-incomplete", missing.rule());
    }

    @Test
    void homeOwnershipDriftIsAWarningWithExamples() throws IOException {
        Assumptions.assumeTrue(root(), "needs root to chown");
        Path home = dir.resolve("data/kasm-profile-persistent");
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_ed25519"), "key");
        Files.writeString(home.resolve(".bashrc"), "x");
        Files.createSymbolicLink(home.resolve("link"), Path.of("/etc/hostname"));
        for (Path p : List.of(home, home.resolve(".ssh"), home.resolve(".ssh/id_ed25519"), home.resolve(".bashrc"))) {
            Files.setAttribute(p, "unix:uid", 1000);
        }
        Files.setAttribute(home.resolve("link"), "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
        assertEquals(List.of(), new HomeOwnershipRule().check(List.of(home)));

        Files.setAttribute(home.resolve(".ssh/id_ed25519"), "unix:uid", 0);
        List<Finding> f = new HomeOwnershipRule().check(List.of(home, dir.resolve("absent-kasm-profile-persistent")));
        assertEquals(1, f.size());
        assertEquals("home-ownership", f.get(0).rule());
        assertEquals(Severity.WARNING, f.get(0).severity());
        assertEquals(home.toString(), f.get(0).subject());
        assertTrue(f.get(0).detail().startsWith("1 of 5 entries are not owned by UID 1000, e.g. .ssh/id_ed25519 (uid 0)"),
                f.get(0).detail());
    }

    @Test
    void heldSecretsAreMatchedButNeverShown() {
        List<HeldSecrets.Secret> s = new ArrayList<>();
        HeldSecrets.addRcloneConf(s, List.of("[gdrive]", "type = drive", "client_id = public-id",
                "client_secret = cs-0123456789", "token = {\"access_token\":\"ya29.abcdefgh\",\"refresh_token\":\"1//rtok-xyz\"}"));
        s.add(new HeldSecrets.Secret("cfs-backup's restic repository password", "pw1"));
        HeldSecrets held = new HeldSecrets(s, List.of());
        assertEquals("the client_secret of rclone remote 'gdrive'", held.match("cs-0123456789"));
        assertEquals("the token of rclone remote 'gdrive'", held.match("Bearer ya29.abcdefgh"));
        assertEquals("cfs-backup's restic repository password", held.match("pw1"));
        assertNull(held.match("pw123"), "short secrets match only whole values");
        assertNull(held.match("public-id"));
        assertTrue(!held.toString().contains("cs-0123456789") && !held.toString().contains("pw1\""), held.toString());

        List<HeldSecrets.Secret> enc = new ArrayList<>();
        HeldSecrets.addRcloneConf(enc, List.of("# Encrypted rclone configuration File", "", "RCLONE_ENCRYPT_V0:", "abc"));
        assertEquals(0, enc.size());
    }
}
