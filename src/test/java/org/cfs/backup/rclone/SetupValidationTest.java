package org.cfs.backup.rclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetupValidationTest {
    static final String ID = "123456789012-abcdefghijklmnop.apps.googleusercontent.com";
    static final String SECRET = "GOCSPX-NotARealSecret42";

    @TempDir
    Path dir;

    private CfsException refused(SetupRequest r) {
        CfsException e = assertThrows(CfsException.class, () -> RemoteSetup.validate(r));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertFalse(e.getMessage().contains(SECRET), "secret never in a message");
        return e;
    }

    @Test
    void acceptsGoodValues() throws Exception {
        assertNull(RemoteSetup.validate(new SetupRequest(ID, SECRET, null, null, null, null)));
        Path tok = dir.resolve("tok");
        Files.writeString(tok, "Paste the following into your remote machine --->\n{\"access_token\":\"ya29.a\","
                + "\"token_type\":\"Bearer\",\"refresh_token\":\"1//r\",\"expiry\":\"2026-11-22T09:00:00Z\"}\n<---End paste\n");
        assertNotNull(RemoteSetup.validate(new SetupRequest(ID, SECRET, tok, "drive", "0AbC_d-1", "0AFx")));
    }

    @Test
    void refusesBadClientId() {
        assertTrue(refused(new SetupRequest("my-client", SECRET, null, null, null, null)).getMessage().contains("--client-id"));
        refused(new SetupRequest("x.apps.googleusercontent.com.evil", SECRET, null, null, null, null));
        refused(new SetupRequest(null, SECRET, null, null, null, null));
    }

    @Test
    void refusesEmptySecret() {
        assertTrue(refused(new SetupRequest(ID, "  ", null, null, null, null)).getMessage().contains("empty"));
        refused(new SetupRequest(ID, "a b", null, null, null, null));
    }

    @Test
    void refusesBadScopeAndIds() {
        assertTrue(refused(new SetupRequest(ID, SECRET, null, "drive.readonly", null, null)).getMessage().contains("--scope"));
        refused(new SetupRequest(ID, SECRET, null, null, "../x", null));
        refused(new SetupRequest(ID, SECRET, null, null, null, "a b"));
    }

    @Test
    void refusesTokenFilesThatAreNotRcloneTokens() throws Exception {
        Path missing = dir.resolve("missing");
        assertTrue(refused(new SetupRequest(ID, SECRET, missing, null, null, null)).getMessage().contains("cannot be read"));
        Path notJson = dir.resolve("notjson");
        Files.writeString(notJson, "hello");
        assertTrue(refused(new SetupRequest(ID, SECRET, notJson, null, null, null)).getMessage().contains("token JSON"));
        Path noRefresh = dir.resolve("norefresh");
        Files.writeString(noRefresh, "{\"access_token\":\"ya29.secretpart\",\"expiry\":\"2026-11-22T09:00:00Z\"}");
        CfsException e = refused(new SetupRequest(ID, SECRET, noRefresh, null, null, null));
        assertTrue(e.getMessage().contains("refresh_token"));
        assertFalse(e.getMessage().contains("secretpart"));
    }

    @Test
    void requestToStringHidesSecret() {
        assertFalse(new SetupRequest(ID, SECRET, null, null, null, null).toString().contains(SECRET));
    }
}
