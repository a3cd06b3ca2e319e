package org.cfs.backup.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The console's API against a real repository: sessions, CSRF, paging, downloads, jobs, no secrets. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class WebApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MANY = 3000;
    Path tmp;
    WebFixture web;
    final HttpClient http = WebFixture.client();
    /** Every answer body seen, checked for secrets at the end. */
    final List<String> bodies = new ArrayList<>();
    String cookie;
    String csrf;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        web = new WebFixture(tmp, MANY);
        HttpResponse<String> r = web.login(http, WebFixture.WEB_PASSWORD);
        assertEquals(303, r.statusCode(), r.body());
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
        assertFalse(setCookie.contains("Secure"), "no Secure without web.tls-proxy: " + setCookie);
        cookie = setCookie.substring(0, setCookie.indexOf(';'));
        csrf = json(get("/api/session")).get("csrf").asText();
        assertTrue(csrf.length() >= 40, csrf);
    }

    @AfterAll
    void stop() throws Exception {
        web.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpResponse<String> r = web.get(http, path, cookie);
        bodies.add(r.body());
        return r;
    }

    private JsonNode json(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(web.base + path)).header("Cookie", cookie)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("X-CSRF-Token", token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        bodies.add(r.body());
        return r;
    }

    @Test
    void withoutASessionEveryApiCallIs401AndPagesGoToTheLogin() throws Exception {
        for (String p : List.of("/api/status", "/api/session", "/api/snapshots?source=data", "/api/jobs",
                "/api/snapshots/abcd/file?path=docs/blob.bin")) {
            HttpResponse<String> r = web.get(http, p, null);
            assertEquals(401, r.statusCode(), p);
            HttpResponse<String> forged = web.get(http, p, "cfs_session=forged-token");
            assertEquals(401, forged.statusCode(), p);
        }
        HttpResponse<String> page = web.get(http, "/", null);
        assertEquals(302, page.statusCode());
        assertEquals("/login", page.headers().firstValue("Location").orElse(""));
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(web.base + "/api/jobs"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"job\":\"backup\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, post.statusCode());
    }

    @Test
    void stateChangingRequestsNeedTheCsrfToken() throws Exception {
        assertEquals(403, post("/api/jobs", "{\"job\":\"backup\",\"sources\":[\"settings\"]}", null).statusCode());
        assertEquals(403, post("/api/jobs", "{\"job\":\"backup\",\"sources\":[\"settings\"]}", "wrong").statusCode());
        assertEquals(400, post("/api/jobs", "{\"job\":\"rm -rf\"}", csrf).statusCode());
        assertEquals(400, post("/api/jobs", "{\"job\":\"backup\",\"sources\":[\"nope\"]}", csrf).statusCode());
        assertTrue(Files.readString(web.fx.dir.resolve("log/cfs-backup.log")).contains("op=web-request outcome=refused"));
    }

    @Test
    void statusAndSnapshotsCarryTheFieldsOfTheirCommands() throws Exception {
        JsonNode st = json(get("/api/status"));
        Set<String> names = new HashSet<>();
        st.get("sources").forEach(s -> names.add(s.get("source").asText()));
        assertEquals(Set.of("data", "settings"), names);
        for (String f : List.of("source", "last_backup", "newest_snapshot_time")) {
            assertTrue(st.get("sources").get(0).has(f), f);
        }
        for (String f : List.of("job", "last_run", "last_status", "next_run")) {
            assertTrue(st.get("jobs").get(0).has(f), f);
        }
        JsonNode snaps = json(get("/api/snapshots?source=data"));
        assertTrue(snaps.size() >= 1);
        for (String f : List.of("id", "short_id", "time", "source", "paths", "tags")) {
            assertTrue(snaps.get(0).has(f), f);
        }
        assertEquals("data", snaps.get(0).get("source").asText());
        assertEquals(400, get("/api/snapshots?source=nope").statusCode());
        assertEquals(404, get("/api/snapshots/abcdef12/ls?path=/").statusCode());
    }

    @Test
    void aLargeFolderIsListedPageByPage() throws Exception {
        String id = json(get("/api/snapshots?source=data")).get(0).get("id").asText();
        JsonNode root = json(get("/api/snapshots/" + id + "/ls?path=/"));
        assertEquals(List.of("docs", "many"), names(root));
        List<String> all = new ArrayList<>();
        String after = "";
        int pages = 0;
        long maxPage = 0;
        do {
            JsonNode p = json(get("/api/snapshots/" + id + "/ls?path=many&limit=1000&after=" + after));
            maxPage = Math.max(maxPage, p.get("entries").size());
            all.addAll(names(p));
            after = p.get("next").isNull() ? null : p.get("next").asText();
            pages++;
        } while (after != null);
        assertEquals(3, pages);
        assertEquals(1000, maxPage);
        assertEquals(MANY, all.size());
        assertEquals(MANY, new HashSet<>(all).size());
        assertEquals("e000000", all.get(0));
        assertEquals(String.format("e%06d", MANY - 1), all.get(MANY - 1));
        // any name as "after", not only the last page's: restic lists from the start and skips
        JsonNode mid = json(get("/api/snapshots/" + id + "/ls?path=many&limit=3&after=e001499"));
        assertEquals(List.of("e001500", "e001501", "e001502"), names(mid));
        assertEquals("e001502", mid.get("next").asText());
        assertEquals(List.of("e001503", "e001504"), names(json(get("/api/snapshots/" + id + "/ls?path=many&limit=2&after=e001502"))));
        JsonNode e = json(get("/api/snapshots/" + id + "/stat?path=docs/blob.bin"));
        for (String f : List.of("name", "type", "size", "mode", "uid", "gid", "mtime")) {
            assertTrue(e.has(f), f);
        }
        assertEquals(web.blob.length, e.get("size").asLong());
        assertEquals(400, get("/api/snapshots/" + id + "/ls?path=../../etc").statusCode());
        assertEquals(404, get("/api/snapshots/" + id + "/ls?path=absent").statusCode());
    }

    private static List<String> names(JsonNode page) {
        List<String> n = new ArrayList<>();
        page.get("entries").forEach(x -> n.add(x.get("name").asText()));
        return n;
    }

    @Test
    void aFileDownloadsWithTheSourcesBytesAndAFolderAsATar() throws Exception {
        String id = json(get("/api/snapshots?source=data")).get(0).get("id").asText();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(web.base + "/api/snapshots/" + id
                + "/file?path=docs/blob.bin")).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertArrayEquals(web.blob, r.body());
        assertEquals(String.valueOf(web.blob.length), r.headers().firstValue("Content-Length").orElse(""));
        assertTrue(r.headers().firstValue("Content-Disposition").orElse("").contains("blob.bin"));
        HttpResponse<byte[]> tar = http.send(HttpRequest.newBuilder(URI.create(web.base + "/api/snapshots/" + id
                + "/file?path=docs")).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, tar.statusCode());
        assertEquals("application/x-tar", tar.headers().firstValue("Content-Type").orElse(""));
        Path t = tmp.resolve("docs.tar");
        Files.write(t, tar.body());
        String listing = org.cfs.backup.restore.RestoreFixture.sh("tar", "tf", t.toString());
        assertTrue(listing.contains("docs/readme.txt") && listing.contains("docs/deep/x.sql"), listing);
        String log = Files.readString(web.fx.dir.resolve("log/cfs-backup.log"));
        assertTrue(log.contains("op=web-download outcome=ok") && log.contains("docs/blob.bin"), log);
    }

    @Test
    void aBackupJobIsAcceptedRunsAndEndsOk() throws Exception {
        int before = json(get("/api/snapshots?source=settings")).size();
        HttpResponse<String> r = post("/api/jobs", "{\"job\":\"backup\",\"sources\":[\"settings\"]}", csrf);
        assertEquals(202, r.statusCode(), r.body());
        String id = JSON.readTree(r.body()).get("id").asText();
        JsonNode j = waitFor(id);
        assertEquals("ok", j.get("state").asText(), j.toString());
        assertEquals("ok", j.get("result").get("sources").get(0).get("status").asText());
        assertEquals(before + 1, json(get("/api/snapshots?source=settings")).size());
        // a drill too
        HttpResponse<String> d = post("/api/jobs", "{\"job\":\"drill\",\"sources\":[\"settings\"]}", csrf);
        assertEquals(202, d.statusCode(), d.body());
        JsonNode dj = waitFor(JSON.readTree(d.body()).get("id").asText());
        assertEquals("ok", dj.get("state").asText(), dj.toString());
        assertTrue(dj.get("result").get("passed").asBoolean());
        JsonNode hist = json(get("/api/history?job=drill&source=settings"));
        assertTrue(hist.size() >= 1, hist.toString());
        String log = Files.readString(web.fx.dir.resolve("log/cfs-backup.log"));
        assertTrue(log.contains("op=web-backup outcome=queued") && log.contains("op=web-backup outcome=ok"), log);
        assertEquals(404, get("/api/jobs/not-a-job").statusCode());
    }

    @Test
    void aRestoreJobBringsAFileBackByteExactAndRefusesWhatItMustNot() throws Exception {
        String id = json(get("/api/snapshots?source=data")).get(0).get("id").asText();
        Path target = tmp.resolve("restored-file");
        String body = "{\"job\":\"restore\",\"sources\":[\"data\"],\"snapshot\":\"" + id
                + "\",\"path\":\"docs/blob.bin\",\"target\":\"" + target + "\"}";
        // refused: no CSRF token, a relative target, a target inside the live source, a system folder
        assertEquals(403, post("/api/jobs", body, null).statusCode());
        assertEquals(403, post("/api/jobs", body, "wrong-token").statusCode());
        assertFalse(Files.exists(target), "a refused request wrote nothing");
        assertEquals(400, post("/api/jobs", body.replace(target.toString(), "restored/here"), csrf).statusCode());
        HttpResponse<String> inside = post("/api/jobs", body.replace(target.toString(), web.src.resolve("docs/again").toString()), csrf);
        assertEquals(400, inside.statusCode(), inside.body());
        assertTrue(inside.body().contains("live data of source 'data'"), inside.body());
        assertEquals(400, post("/api/jobs", body.replace(target.toString(), "/etc/cfs-web-it"), csrf).statusCode());
        assertEquals(404, post("/api/jobs", body.replace("docs/blob.bin", "docs/nope"), csrf).statusCode());
        assertFalse(Files.exists(web.src.resolve("docs/again")));

        // a file into an absent folder: made, and the file comes back byte-exact
        HttpResponse<String> r = post("/api/jobs", body, csrf);
        assertEquals(202, r.statusCode(), r.body());
        JsonNode j = waitFor(JSON.readTree(r.body()).get("id").asText());
        assertEquals("ok", j.get("state").asText(), j.toString());
        assertEquals("restore", j.get("job").asText());
        assertEquals(1, j.get("result").get("files_restored").asLong(), j.toString());
        assertEquals(web.blob.length, j.get("progress").get("bytes_done").asLong(), j.toString());
        assertArrayEquals(web.blob, Files.readAllBytes(target.resolve("docs/blob.bin")), "restored bytes differ");
        // the same target again: not empty any more, refused before anything runs
        assertEquals(400, post("/api/jobs", body, csrf).statusCode());

        // a folder
        Path folder = tmp.resolve("restored-folder");
        HttpResponse<String> f = post("/api/jobs", body.replace("docs/blob.bin", "docs").replace(target.toString(),
                folder.toString()), csrf);
        assertEquals("ok", waitFor(JSON.readTree(f.body()).get("id").asText()).get("state").asText());
        assertEquals("select 1;\n", Files.readString(folder.resolve("docs/deep/x.sql")));
        assertArrayEquals(web.blob, Files.readAllBytes(folder.resolve("docs/blob.bin")));

        // in place: a wrong confirmation name does nothing, the right one puts the snapshot back
        Path conf = web.fx.dir.getParent().resolve("other/app.conf");
        Files.writeString(conf, "x=changed\n");
        String inPlace = "{\"job\":\"restore\",\"sources\":[\"settings\"],\"in_place\":true,\"confirm\":\"%s\"}";
        int jobsBefore = json(get("/api/jobs")).size();
        for (String wrong : List.of("", "setting", "data", "SETTINGS")) {
            HttpResponse<String> w = post("/api/jobs", inPlace.formatted(wrong), csrf);
            assertEquals(400, w.statusCode(), w.body());
            assertTrue(w.body().contains("type the source's name"), w.body());
        }
        assertEquals(403, post("/api/jobs", inPlace.formatted("settings"), null).statusCode());
        assertEquals(jobsBefore, json(get("/api/jobs")).size(), "nothing was queued");
        Thread.sleep(1500);
        assertEquals("x=changed\n", Files.readString(conf), "a refused in-place restore changed the live data");
        HttpResponse<String> ok = post("/api/jobs", inPlace.formatted("settings"), csrf);
        assertEquals(202, ok.statusCode(), ok.body());
        JsonNode ij = waitFor(JSON.readTree(ok.body()).get("id").asText());
        assertEquals("ok", ij.get("state").asText(), ij.toString());
        assertEquals("in-place", ij.get("result").get("mode").asText());
        assertTrue(ij.get("result").get("pre_restore_snapshot_id").asText().matches("[0-9a-f]{8,64}"), ij.toString());
        assertEquals("x=1\n", Files.readString(conf));

        String log = Files.readString(web.fx.dir.resolve("log/cfs-backup.log"));
        assertTrue(log.contains("op=web-restore outcome=queued"), log);
        assertTrue(log.contains("op=web-restore outcome=ok") && log.contains("path docs/blob.bin to " + target), log);
        assertTrue(log.contains("op=web-restore outcome=refused an in-place restore replaces the live data of 'settings'"), log);
        assertTrue(log.contains("op=web-request outcome=refused no valid CSRF token on POST /api/jobs"), log);
        assertTrue(log.contains("op=restore outcome=ok source=settings") && log.contains("mode=in-place"), log);
    }

    private JsonNode waitFor(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            JsonNode j = json(get("/api/jobs/" + id));
            String s = j.get("state").asText();
            assertTrue(Set.of("queued", "running", "ok", "failed", "partial").contains(s), s);
            if (!s.equals("queued") && !s.equals("running")) {
                return j;
            }
            assertTrue(System.nanoTime() < deadline, "job did not finish: " + j);
            Thread.sleep(300);
        }
    }

    @Test
    void zzNoAnswerHoldsASecretAndWrongPasswordsAreRefusedThenSlowed() throws Exception {
        json(get("/api/charts"));
        json(get("/api/history"));
        json(get("/api/jobs"));
        get("/");
        String repoPw = web.repositoryPassword();
        for (String b : bodies) {
            assertFalse(b.contains(WebFixture.WEB_PASSWORD), b);
            assertFalse(b.contains(repoPw), b);
        }
        HttpResponse<String> wrong = web.login(http, "not-the-password");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("Wrong password"));
        assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());
        int status = 0;
        for (int i = 0; i < 4 && status != 429; i++) {
            status = web.login(http, "still-wrong").statusCode();
        }
        assertEquals(429, status, "after repeated failures logins are slowed");
        // even the right password waits out the brake
        HttpResponse<String> braked = web.login(http, WebFixture.WEB_PASSWORD);
        assertEquals(429, braked.statusCode());
        assertNotNull(braked.headers().firstValue("Retry-After").orElse(null));
        String log = Files.readString(web.fx.dir.resolve("log/cfs-backup.log"));
        assertTrue(log.contains("op=web-login outcome=failed") && log.contains("op=web-login outcome=throttled"), log);
        assertFalse(log.contains(WebFixture.WEB_PASSWORD));
    }
}
