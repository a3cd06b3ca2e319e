package org.cfs.backup.rclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.ExitCode;
import org.cfs.backup.cli.Services;
import org.cfs.backup.process.Cancellation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code remote setup} against the real rclone 1.60, offline. */
class RemoteSetupIT {
    static final ObjectMapper JSON = new ObjectMapper();
    Testbed t;

    @BeforeEach
    void setUp() throws Exception {
        t = new Testbed();
    }

    @AfterEach
    void tearDown() throws Exception {
        t.close();
    }

    private void assertNoSecretAnywhere() throws Exception {
        for (String s : List.of(Testbed.SECRET, Testbed.ACCESS, Testbed.REFRESH)) {
            assertFalse(t.out.contains(s), "stdout holds a secret");
            assertFalse(t.err.contains(s), "stderr holds a secret");
            assertFalse(t.allLogs().contains(s), "a log, state file or a child's command line holds a secret");
        }
    }

    private JsonNode dump(Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("RCLONE_CONFIG", t.rcloneConf.toString());
        return JSON.readTree(Testbed.rclone(env, "config", "dump"));
    }

    @Test
    void withoutTokenPrintsAuthorizeLineAndWritesNothing() throws Exception {
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        int code = t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret", Testbed.SECRET);
        assertEquals(ExitCode.OK, code, t.err);
        // not a terminal here: the secret is left out of the line
        assertTrue(t.out.contains("rclone authorize \"drive\" \"" + Testbed.CLIENT_ID + "\" \"YOUR_CLIENT_SECRET\""), t.out);
        assertTrue(t.out.contains("--token-file"), t.out);
        assertFalse(Files.exists(t.rcloneConf), "nothing written");
        assertNoSecretAnywhere();
    }

    @Test
    void withTokenWritesDriveRemoteThroughRclone() throws Exception {
        Files.writeString(t.rcloneConf, "[loc]\ntype = local\n");
        Files.setPosixFilePermissions(t.rcloneConf, PosixFilePermissions.fromString("rw-r--r--"));
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        Path secretFile = t.dir.resolve("secret");
        Files.writeString(secretFile, Testbed.SECRET + "\n");
        int code = t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret-file", secretFile.toString(),
                "--token-file", t.tokenFile().toString());
        assertEquals(ExitCode.OK, code, t.err);
        assertTrue(t.out.contains("remote gd written"), t.out);
        JsonNode d = dump(Map.of());
        JsonNode gd = d.get("gd");
        assertEquals("drive", gd.get("type").asText());
        assertEquals(Testbed.CLIENT_ID, gd.get("client_id").asText());
        assertEquals(Testbed.SECRET, gd.get("client_secret").asText());
        assertEquals("drive.file", gd.get("scope").asText());
        assertEquals("false", gd.get("use_trash").asText());
        JsonNode token = JSON.readTree(gd.get("token").asText());
        assertEquals(Testbed.ACCESS, token.get("access_token").asText());
        assertEquals(Testbed.REFRESH, token.get("refresh_token").asText());
        assertEquals("local", d.get("loc").get("type").asText(), "other remotes kept");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(t.rcloneConf)));
        assertNoSecretAnywhere();
        // rclone was used (stand-in saw rcd and dump), never with a secret on its command line
        String argv = Files.readString(t.argvLog);
        assertTrue(argv.contains("rcd --rc-addr 127.0.0.1:0"), argv);

        // update: scope and root folder change, the remote stays one
        code = t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret", Testbed.SECRET,
                "--token-file", t.tokenFile().toString(), "--scope", "drive", "--root-folder-id", "0AbCdEf_gh-1");
        assertEquals(ExitCode.OK, code, t.err);
        assertTrue(t.out.contains("remote gd updated"), t.out);
        gd = dump(Map.of()).get("gd");
        assertEquals("drive", gd.get("scope").asText());
        assertEquals("0AbCdEf_gh-1", gd.get("root_folder_id").asText());
        assertEquals("false", gd.get("use_trash").asText());
        assertNoSecretAnywhere();
        assertTrue(Files.readString(t.dir.resolve("log/cfs-backup.log")).contains("op=remote-setup outcome=ok"));
    }

    @Test
    void teamDriveIsKept() throws Exception {
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        int code = t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret", Testbed.SECRET,
                "--token-file", t.tokenFile().toString(), "--team-drive", "0AFxTeamDrive");
        assertEquals(ExitCode.OK, code, t.err);
        assertEquals("0AFxTeamDrive", dump(Map.of()).get("gd").get("team_drive").asText());
    }

    @Test
    void encryptedConfigStaysEncrypted() throws Exception {
        Files.copy(Path.of(getClass().getResource("/rclone/encrypted.conf").toURI()), t.rcloneConf);
        Path pass = t.dir.resolve("rclone-pass");
        Files.writeString(pass, "cfs-test-config-pass\n");
        t.config("rclone:gd:cfs-backup", "gd", "  config-password-file: " + pass + "\n", null);
        int code = t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret", Testbed.SECRET,
                "--token-file", t.tokenFile().toString());
        assertEquals(ExitCode.OK, code, t.err);
        assertTrue(t.out.contains("encrypted"), t.out);
        String text = Files.readString(t.rcloneConf);
        assertTrue(text.startsWith("# Encrypted rclone configuration File"), text);
        assertFalse(text.contains(Testbed.SECRET));
        assertFalse(text.contains("drive"));
        JsonNode d = dump(Map.of("RCLONE_CONFIG_PASS", "cfs-test-config-pass"));
        assertEquals("drive", d.get("gd").get("type").asText());
        assertEquals("local", d.get("x").get("type").asText());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(t.rcloneConf)));
        assertNoSecretAnywhere();

        // the Drive type is found through one rclone config dump: restic's rclone gets the upload-limit flag
        Services s = new Services(t.dir.resolve("config.yaml"), t.env(), new Cancellation(),
                new java.io.PrintWriter(new java.io.StringWriter()));
        List<String> cmd = s.restic().args().command("snapshots");
        String rcloneArgs = cmd.get(cmd.indexOf("-o") + 1);
        assertTrue(rcloneArgs.contains("--drive-stop-on-upload-limit"), rcloneArgs);
        assertTrue(rcloneArgs.contains("--ask-password=false"), rcloneArgs);
    }

    @Test
    void encryptedConfigWithoutPasswordIsRefused() throws Exception {
        Files.copy(Path.of(getClass().getResource("/rclone/encrypted.conf").toURI()), t.rcloneConf);
        byte[] before = Files.readAllBytes(t.rcloneConf);
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        int code = t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret", Testbed.SECRET,
                "--token-file", t.tokenFile().toString());
        assertEquals(ExitCode.USAGE, code, t.err);
        assertTrue(t.err.contains("encrypted"), t.err);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(t.rcloneConf)));
    }

    @Test
    void badInputIsRefusedWithReason() throws Exception {
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        assertEquals(ExitCode.USAGE, t.run("remote", "setup", "--client-id", "not-a-client", "--client-secret", Testbed.SECRET));
        assertTrue(t.err.contains("--client-id must look like"), t.err);
        assertNoSecretAnywhere();
        assertEquals(ExitCode.USAGE, t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret", ""));
        assertTrue(t.err.contains("--client-secret is empty"), t.err);
        Path bad = t.dir.resolve("bad-token.json");
        Files.writeString(bad, "{\"access_token\":\"" + Testbed.ACCESS + "\"}");
        assertEquals(ExitCode.USAGE, t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret",
                Testbed.SECRET, "--token-file", bad.toString()));
        assertTrue(t.err.contains("not rclone's token JSON"), t.err);
        assertEquals(ExitCode.USAGE, t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret",
                Testbed.SECRET, "--scope", "drive.readonly"));
        assertEquals(ExitCode.USAGE, t.run("remote", "setup"));
        assertTrue(t.err.contains("required"), t.err);
        assertFalse(Files.exists(t.rcloneConf), "nothing written");
        assertNoSecretAnywhere();
    }

    @Test
    void remoteOfAnotherTypeIsNotOverwritten() throws Exception {
        Files.writeString(t.rcloneConf, "[loc]\ntype = local\n");
        t.config("rclone:loc:/tmp/x", "loc", null, null);
        assertEquals(ExitCode.USAGE, t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret",
                Testbed.SECRET, "--token-file", t.tokenFile().toString()));
        assertTrue(t.err.contains("not drive"), t.err);
        assertEquals("[loc]\ntype = local\n", Files.readString(t.rcloneConf));
    }

    @Test
    void onlyDriveRepositoriesGetTheUploadLimitFlag() throws Exception {
        Files.writeString(t.rcloneConf, "[loc]\ntype = local\n[gd]\ntype = drive\nclient_id = " + Testbed.CLIENT_ID + "\n");
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        Services s = new Services(t.dir.resolve("config.yaml"), t.env(), new Cancellation(),
                new java.io.PrintWriter(new java.io.StringWriter()));
        assertTrue(String.join(" ", s.restic().args().command("snapshots")).contains("--drive-stop-on-upload-limit"));
        t.config("rclone:loc:" + t.dir.resolve("repo"), "loc", null, null);
        s = new Services(t.dir.resolve("config.yaml"), t.env(), new Cancellation(),
                new java.io.PrintWriter(new java.io.StringWriter()));
        String cmd = String.join(" ", s.restic().args().command("snapshots"));
        assertFalse(cmd.contains("--drive-stop-on-upload-limit"), cmd);
        assertTrue(cmd.contains("--ask-password=false"), cmd);
        t.config(t.dir.resolve("repo").toString(), "loc", null, null);
        s = new Services(t.dir.resolve("config.yaml"), t.env(), new Cancellation(),
                new java.io.PrintWriter(new java.io.StringWriter()));
        assertFalse(String.join(" ", s.restic().args().command("snapshots")).contains("rclone"));
    }
}
