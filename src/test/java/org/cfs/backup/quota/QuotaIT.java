package org.cfs.backup.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cfs.backup.ExitCode;
import org.cfs.backup.rclone.Testbed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code quota} against a real rclone local remote, and a stand-in rclone for Drive's answers. */
class QuotaIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long GIB = 1L << 30;
    Testbed t;

    @BeforeEach
    void setUp() throws Exception {
        t = new Testbed();
        Files.writeString(t.rcloneConf, "[loc]\ntype = local\n[gd]\ntype = drive\nclient_id = " + Testbed.CLIENT_ID + "\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        t.close();
    }

    private JsonNode quota(int expectedExit) throws Exception {
        int code = t.run("quota", "--json");
        assertEquals(expectedExit, code, t.out + t.err);
        JsonNode n = JSON.readTree(t.out);
        Set<String> fields = new java.util.HashSet<>();
        n.fieldNames().forEachRemaining(fields::add);
        assertTrue(fields.containsAll(List.of("remote", "total", "used", "free", "trashed", "level", "days_until_full",
                "error")), fields.toString());
        return n;
    }

    private long samples() throws Exception {
        return Files.readAllLines(t.dir.resolve("state/quota.jsonl")).stream().filter(l -> !l.isBlank()).count();
    }

    @Test
    void levelsAndExitsAgainstRealLocalRemote() throws Exception {
        t.config("rclone:loc:" + t.dir.resolve("repo"), "loc", null, "quota: {warn-free: 1KiB, critical-free: 1KiB}\n");
        JsonNode ok = quota(ExitCode.OK);
        assertEquals("ok", ok.get("level").asText());
        assertEquals("loc", ok.get("remote").asText());
        long free = ok.get("free").asLong();
        assertTrue(free > 0 && ok.get("total").asLong() >= free, ok.toString());
        assertTrue(ok.get("error").isNull());
        assertTrue(ok.get("days_until_full").isNull(), "one sample: no forecast");

        t.config("rclone:loc:" + t.dir.resolve("repo"), "loc", null, "quota: {warn-free: 1000PiB, critical-free: 1KiB}\n");
        assertEquals("warning", quota(ExitCode.PARTIAL).get("level").asText());
        t.config("rclone:loc:" + t.dir.resolve("repo"), "loc", null, "quota: {warn-free: 1000PiB, critical-free: 1000PiB}\n");
        JsonNode crit = quota(ExitCode.FAILED);
        assertEquals("critical", crit.get("level").asText());
        assertTrue(crit.get("advice").asText().contains("critical-free"), crit.toString());
        assertEquals(3, samples());

        // plain text form, same exit
        assertEquals(ExitCode.FAILED, t.run("quota"));
        assertTrue(t.out.contains("level           critical"), t.out);
        assertTrue(Files.readString(t.dir.resolve("log/cfs-backup.log")).contains("op=quota outcome=critical"));
    }

    @Test
    void driveAnswersAtTheThresholds() throws Exception {
        t.config("rclone:gd:cfs-backup", "gd", null, "quota: {warn-free: 20GiB, critical-free: 5GiB}\n");
        t.about("{\"total\": " + 100 * GIB + ", \"used\": " + 70 * GIB + ", \"trashed\": " + 2 * GIB + ", \"other\": 0, \"free\": "
                + 30 * GIB + "}", null, 0);
        JsonNode ok = quota(ExitCode.OK);
        assertEquals(30 * GIB, ok.get("free").asLong());
        assertEquals(2 * GIB, ok.get("trashed").asLong());
        t.about("{\"total\": " + 100 * GIB + ", \"used\": " + 85 * GIB + ", \"trashed\": 0, \"free\": " + 20 * GIB + "}", null, 0);
        assertEquals("ok", quota(ExitCode.OK).get("level").asText(), "exactly warn-free is still ok");
        t.about("{\"total\": " + 100 * GIB + ", \"used\": " + 86 * GIB + ", \"trashed\": 0, \"free\": " + (20 * GIB - 1) + "}", null, 0);
        assertEquals("warning", quota(ExitCode.PARTIAL).get("level").asText());
        t.about("{\"total\": " + 100 * GIB + ", \"used\": " + 95 * GIB + ", \"trashed\": " + GIB + ", \"free\": " + (5 * GIB - 1) + "}", null, 0);
        JsonNode crit = quota(ExitCode.FAILED);
        assertEquals("critical", crit.get("level").asText());
        assertTrue(crit.get("advice").asText().contains("rclone cleanup gd:"), crit.toString());
        // regression (issue 14): shared drives and WebDAV answer {}: nothing to watch, which is no failure
        t.about("{}", null, 0);
        JsonNode unknown = quota(ExitCode.OK);
        assertEquals("unknown", unknown.get("level").asText());
        assertTrue(unknown.get("error").asText().contains("not available on this backend"), unknown.toString());
        assertFalse(unknown.get("available").asBoolean(), unknown.toString());
        assertFalse(Files.readString(t.dir.resolve("state/alerts.json")).contains("quota-unknown"), "no quota-unknown alert");
        assertEquals(5, samples());
    }

    @Test
    void driveErrorsBecomeAdvice() throws Exception {
        t.config("rclone:gd:cfs-backup", "gd", null, null);
        String[][] cases = {
            {"rate_limit__about-shared-client.txt", "rate_limit", "own client ID"},
            {"invalid_grant__rclone160.txt", "invalid_grant", "7 days"},
            {"storage_quota__full.txt", "storage_quota", "Drive is full"},
            {"forbidden__api-disabled.txt", "forbidden", "Drive API is enabled"},
        };
        for (String[] c : cases) {
            String stderr = new String(getClass().getResourceAsStream("/rclone/drive-errors/" + c[0]).readAllBytes());
            t.about(null, stderr, 1);
            JsonNode n = quota(ExitCode.FAILED);
            assertEquals("unknown", n.get("level").asText(), c[0]);
            assertTrue(n.get("error").asText().endsWith("(" + c[1] + ")"), n.toString());
            assertTrue(n.get("advice").asText().contains(c[2]), n.toString());
            assertTrue(n.get("free").isNull());
        }
        JsonNode last = JSON.readTree(Files.readAllLines(t.dir.resolve("state/quota.jsonl")).get(cases.length - 1));
        assertEquals("unknown", last.get("level").asText());
        // a backend that has no about at all: said plainly, exit 0
        t.about(null, new String(getClass().getResourceAsStream("/rclone/drive-errors/about_not_supported__memory.txt")
                .readAllBytes()), 1);
        JsonNode none = quota(ExitCode.OK);
        assertTrue(none.get("error").asText().contains("not available on this backend"), none.toString());
    }

    @Test
    void quotaCanBeTurnedOffAndAskesNothing() throws Exception {
        t.config("rclone:gd:cfs-backup", "gd", null, "quota: {enabled: false}\n");
        JsonNode off = quota(ExitCode.OK);
        assertTrue(off.get("error").asText().contains("quota.enabled: false"), off.toString());
        assertFalse(Files.exists(t.argvLog) && Files.readString(t.argvLog).contains("about"), "rclone was not asked");
    }

    /** Regression (issue 14): rclone.remote naming another remote than the repository's went unnoticed. */
    @Test
    void initWarnsWhenQuotaWatchesAnotherRemote() throws Exception {
        Files.writeString(t.rcloneConf, "[loc]\ntype = local\n[other]\ntype = local\n");
        t.config("rclone:loc:" + t.dir.resolve("repo"), "other", null, null);
        assertEquals(ExitCode.OK, t.run("init"), t.err);
        assertTrue(t.err.contains("warning: rclone.remote 'other' is not the repository's remote 'loc'"), t.err);
        t.config("rclone:loc:" + t.dir.resolve("repo"), "loc", null, null);
        assertEquals(ExitCode.OK, t.run("init"), t.err);
        assertFalse(t.err.contains("is not the repository's remote"), t.err);
    }

    @Test
    void missingRemoteIsUnknownWithRealRclone() throws Exception {
        t.config("rclone:loc:/x", "nosuch", null, null);
        JsonNode n = quota(ExitCode.FAILED);
        assertEquals("unknown", n.get("level").asText());
        assertTrue(n.get("error").asText().contains("no_remote"), n.toString());
    }
}
