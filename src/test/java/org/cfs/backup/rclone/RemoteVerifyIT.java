package org.cfs.backup.rclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.ExitCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code remote verify}: real rclone for the config, a stand-in answering {@code about} like Drive. */
class RemoteVerifyIT {
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

    private List<String> codes(JsonNode n) {
        List<String> c = new ArrayList<>();
        n.get("problems").forEach(p -> c.add(p.get("code").asText()));
        return c;
    }

    private void setupDrive() throws Exception {
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        assertEquals(ExitCode.OK, t.run("remote", "setup", "--client-id", Testbed.CLIENT_ID, "--client-secret",
                Testbed.SECRET, "--token-file", t.tokenFile().toString()), t.err);
    }

    @Test
    void wellSetUpDriveRemoteVerifies() throws Exception {
        setupDrive();
        t.about("{\"total\": 16106127360, \"used\": 1073741824, \"trashed\": 0, \"other\": 0, \"free\": 15032385536}", null, 0);
        int code = t.run("remote", "verify", "--json");
        assertEquals(ExitCode.OK, code, t.out + t.err);
        JsonNode n = JSON.readTree(t.out);
        assertEquals("drive", n.get("type").asText());
        assertTrue(n.get("own_client").asBoolean());
        assertEquals(Testbed.CLIENT_ID, n.get("client_id").asText());
        assertEquals("drive.file", n.get("scope").asText());
        assertFalse(n.get("use_trash").asBoolean());
        assertTrue(n.get("token_present").asBoolean());
        assertTrue(n.get("about_ok").asBoolean());
        assertEquals(15032385536L, n.get("about").get("free").asLong());
        assertTrue(n.get("ok").asBoolean());
        assertEquals(0, n.get("problems").size());
        for (String s : List.of(Testbed.SECRET, Testbed.ACCESS, Testbed.REFRESH)) {
            assertFalse(t.out.contains(s));
            assertFalse(t.err.contains(s));
            assertFalse(t.allLogs().contains(s));
        }
        assertEquals(ExitCode.OK, t.run("remote", "verify"));
        assertTrue(t.out.contains("remote ok"), t.out);
    }

    @Test
    void sharedClientAndTrashAreWarnings() throws Exception {
        Files.writeString(t.rcloneConf, "[gd]\ntype = drive\nscope = drive\ntoken = {\"access_token\":\"" + Testbed.ACCESS
                + "\",\"token_type\":\"Bearer\",\"refresh_token\":\"" + Testbed.REFRESH + "\",\"expiry\":\"2026-11-22T09:00:00Z\"}\n");
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        t.about("{\"total\": 100, \"used\": 10, \"trashed\": 5, \"free\": 90}", null, 0);
        assertEquals(ExitCode.PARTIAL, t.run("remote", "verify", "--json"), t.out + t.err);
        JsonNode n = JSON.readTree(t.out);
        assertFalse(n.get("own_client").asBoolean());
        assertTrue(n.get("use_trash").asBoolean(), "rclone's default is use_trash = true");
        assertEquals(List.of("shared_client", "use_trash"), codes(n));
        assertTrue(n.get("problems").get(0).get("advice").asText().contains("own client ID"));
        assertFalse(t.out.contains(Testbed.REFRESH));
    }

    @Test
    void revokedTokenFailsWithReauthorizeAdvice() throws Exception {
        setupDrive();
        String stderr = new String(getClass().getResourceAsStream("/rclone/drive-errors/invalid_grant__rclone160.txt").readAllBytes());
        t.about(null, stderr, 1);
        assertEquals(ExitCode.FAILED, t.run("remote", "verify", "--json"), t.out + t.err);
        JsonNode n = JSON.readTree(t.out);
        assertFalse(n.get("about_ok").asBoolean());
        assertEquals(List.of("invalid_grant"), codes(n));
        String advice = n.get("problems").get(0).get("advice").asText();
        assertTrue(advice.contains("7 days") && advice.contains("publish"), advice);
        t.about(null, "Failed to about: googleapi: Error 403: User Rate Limit Exceeded, userRateLimitExceeded\n", 1);
        assertEquals(ExitCode.FAILED, t.run("remote", "verify"));
        assertTrue(t.out.contains("own client ID"), t.out);
        assertTrue(t.out.contains("remote NOT ok"), t.out);
    }

    @Test
    void localRemoteIsNotDrive() throws Exception {
        Files.writeString(t.rcloneConf, "[loc]\ntype = local\n");
        t.config("rclone:loc:" + t.dir.resolve("repo"), "loc", null, null);
        assertEquals(ExitCode.FAILED, t.run("remote", "verify", "--json"), t.out + t.err);
        JsonNode n = JSON.readTree(t.out);
        assertEquals("local", n.get("type").asText());
        assertEquals(List.of("not_drive"), codes(n));
        assertTrue(n.get("about_ok").asBoolean(), "real rclone about on a local remote answers");
    }

    @Test
    void missingRemote() throws Exception {
        Files.writeString(t.rcloneConf, "[loc]\ntype = local\n");
        t.config("rclone:loc:/x", "gd", null, null);
        assertEquals(ExitCode.FAILED, t.run("remote", "verify", "--json"));
        assertEquals(List.of("no_remote"), codes(JSON.readTree(t.out)));
    }
}
