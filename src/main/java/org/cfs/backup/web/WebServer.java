package org.cfs.backup.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.browse.Entry;
import org.cfs.backup.browse.NotFoundException;
import org.cfs.backup.browse.SnapshotBrowser;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.config.WebConfig;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.schedule.StatusReport;
import org.cfs.backup.state.AuditLog;
import org.cfs.backup.state.JsonLines;
import org.cfs.backup.state.RunRecord;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console: a few pages and the JSON API of PRODUCT.md, served by Javalin (Jetty) from the
 * jar, on loopback unless {@code web.allow-remote}. Every {@code /api/*} call needs a session
 * (401), every state-changing one its CSRF token in {@code X-CSRF-Token} (403); answers carry a
 * strict Content-Security-Policy and never a secret. Logins, downloads and actions go to the audit log.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    static final String COOKIE = "cfs_session";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Set<String> PAGES = Set.of("/", "/index.html");
    private static final Set<String> ASSETS = Set.of("app.js", "app.css");
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final java.time.Duration STATUS_TTL = java.time.Duration.ofSeconds(5);

    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    /** One line of {@code GET /api/snapshots}: the fields of {@code snapshots --json}. */
    record SnapshotRow(String id, String shortId, Instant time, String source, String host, List<String> paths,
                       List<String> tags) {
    }

    private final WebBackend backend;
    private final Config config;
    private final WebConfig web;
    private final Auth auth;
    private final Secrets secrets;
    private final AuditLog audit;
    private final JobQueue jobs;
    private final Clock clock;
    /** Runs a download's {@code restic ls} beside its {@code restic dump}. */
    private final java.util.concurrent.ExecutorService statThreads = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cfs-web-stat");
        t.setDaemon(true);
        return t;
    });
    private Javalin app;
    private volatile StatusReport.Document statusCache;
    private volatile Instant statusAt = Instant.EPOCH;

    public WebServer(WebBackend backend, Clock clock) {
        this.backend = backend;
        this.config = backend.config();
        this.web = config.web();
        if (web == null) {
            throw CfsException.usage("no web: section in " + config.file() + " (web: {listen: 127.0.0.1:8321, "
                    + "password-file: FILE})");
        }
        this.clock = clock;
        this.auth = new Auth(readPassword(Path.of(web.passwordFile())), clock);
        this.secrets = Secrets.of(config);
        this.audit = backend.auditLog();
        this.jobs = new JobQueue(backend);
    }

    private static String readPassword(Path file) {
        try {
            String pw = Files.readString(file);
            // the file's last newline is not part of the password
            pw = pw.endsWith("\r\n") ? pw.substring(0, pw.length() - 2) : pw.endsWith("\n") ? pw.substring(0, pw.length() - 1) : pw;
            if (pw.isEmpty()) {
                throw CfsException.usage("web.password-file " + file + " is empty");
            }
            return pw;
        } catch (IOException e) {
            throw CfsException.usage("cannot read web.password-file " + file + ": " + e.getMessage());
        }
    }

    /** Starts serving; returns once the port is bound. */
    public WebServer start() {
        if (!web.loopback()) {
            LOG.warn("WEB CONSOLE ON A NON-LOOPBACK ADDRESS {} (web.allow-remote: true): anyone who reaches it and has "
                    + "the password can read every backed-up file; put TLS and a firewall in front", web.listen());
        }
        QueuedThreadPool pool = new QueuedThreadPool(16, 2, 60_000);
        pool.setName("cfs-web");
        pool.setDaemon(true);
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jetty.threadPool = pool;
            c.http.compressionStrategy = CompressionStrategy.NONE;
            c.http.maxRequestSize = 64 * 1024;
            c.routes.before(this::guard);
            c.routes.get("/", ctx -> page(ctx, "web/index.html"));
            c.routes.get("/index.html", ctx -> page(ctx, "web/index.html"));
            c.routes.get("/login", ctx -> loginPage(ctx, 200, null));
            c.routes.post("/login", this::login);
            c.routes.post("/logout", this::logout);
            c.routes.get("/assets/{file}", this::asset);
            c.routes.get("/webjars/uplot/{file}", this::uplot);
            c.routes.get("/api/session", ctx -> json(ctx, 200, Map.of("csrf", session(ctx).csrf())));
            c.routes.get("/api/status", ctx -> json(ctx, 200, status()));
            c.routes.get("/api/snapshots", this::snapshots);
            c.routes.get("/api/snapshots/{id}/ls", this::ls);
            c.routes.get("/api/snapshots/{id}/stat", this::stat);
            c.routes.get("/api/snapshots/{id}/file", this::file);
            c.routes.get("/api/diff", this::diff);
            c.routes.get("/api/find", this::find);
            c.routes.post("/api/jobs", this::submit);
            c.routes.get("/api/jobs", ctx -> json(ctx, 200, jobs.recent().stream().map(JobQueue.Job::view).toList()));
            c.routes.get("/api/jobs/{id}", this::job);
            c.routes.get("/api/history", this::history);
            c.routes.get("/api/charts", this::charts);
            c.routes.exception(NotFoundException.class, (e, ctx) -> json(ctx, 404, Map.of("error", e.getMessage())));
            c.routes.exception(CfsException.class, (e, ctx) -> json(ctx, e.exitCode() == ExitCode.USAGE ? 400 : 502,
                    Map.of("error", e.getMessage())));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("web console: {} {} failed", ctx.method(), ctx.path(), e);
                json(ctx, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName()));
            });
            c.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    json(ctx, 404, Map.of("error", "not found"));
                }
            });
        });
        try {
            app.start(web.host(), web.port());
        } catch (RuntimeException e) {
            throw new CfsException(ExitCode.FAILED, "cannot serve the web console on " + web.listen() + ": "
                    + rootMessage(e));
        }
        LOG.info("web console on http://{}/", web.listen());
        audit.record("web", "started", "listening on " + web.listen() + (web.loopback() ? "" : " (REMOTE ALLOWED)"));
        return this;
    }

    /** The port actually bound (for listen :0 in tests). */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        jobs.close();
        statThreads.shutdownNow();
        if (app != null) {
            app.stop();
            audit.record("web", "stopped", "listening on " + web.listen());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    // ---- security ----

    /** Headers on every answer; the session gate for pages and the API; CSRF for state changes. */
    private void guard(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
        String path = ctx.path();
        boolean api = path.startsWith("/api/");
        boolean page = PAGES.contains(path);
        boolean post = !ctx.method().name().equals("GET") && !ctx.method().name().equals("HEAD");
        if (!api && !page && !path.equals("/logout")) {
            return; // login, assets, the chart library: public
        }
        Auth.Session s = auth.session(ctx.cookie(COOKIE));
        if (s == null) {
            if (page) {
                ctx.redirect("/login");
            } else {
                json(ctx, 401, Map.of("error", "log in first: POST /login with the form field password"));
            }
            ctx.skipRemainingHandlers();
            return;
        }
        if (post) {
            String token = ctx.header("X-CSRF-Token");
            String type = ctx.contentType();
            if (token == null && type != null && type.startsWith("application/x-www-form-urlencoded")) {
                token = ctx.formParam("csrf");
            }
            if (!Auth.csrfMatches(s, token)) {
                audit.record("web-request", "refused", "no valid CSRF token on " + ctx.method() + " " + path + " from " + ctx.ip());
                json(ctx, 403, Map.of("error", "missing or wrong CSRF token (header X-CSRF-Token, from GET /api/session)"));
                ctx.skipRemainingHandlers();
                return;
            }
        }
        ctx.attribute("session", s);
    }

    private Auth.Session session(Context ctx) {
        return ctx.attribute("session");
    }

    private void login(Context ctx) {
        Auth.Login l = auth.login(ctx.formParam("password"));
        if (l.throttled()) {
            audit.record("web-login", "throttled", "from " + ctx.ip() + ", retry in " + l.retryAfterS() + "s");
            ctx.header("Retry-After", Long.toString(l.retryAfterS()));
            loginPage(ctx, 429, "Too many failed attempts: wait " + l.retryAfterS() + " s and try again.");
            return;
        }
        if (!l.ok()) {
            audit.record("web-login", "failed", "wrong password from " + ctx.ip());
            try {
                Thread.sleep(300); // every wrong guess costs the guesser, on top of the brake
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loginPage(ctx, 401, "Wrong password.");
            return;
        }
        audit.record("web-login", "ok", "from " + ctx.ip());
        ctx.cookie(new Cookie(COOKIE, l.token(), "/", (int) Auth.IDLE.toSeconds(), web.behindTlsProxy(), true, null,
                SameSite.STRICT));
        ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        auth.logout(ctx.cookie(COOKIE));
        audit.record("web-logout", "ok", "from " + ctx.ip());
        ctx.cookie(new Cookie(COOKIE, "", "/", 0, web.behindTlsProxy(), true, null, SameSite.STRICT));
        ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // ---- pages and assets ----

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = WebServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                return null;
            }
            return in.readAllBytes();
        }
    }

    private void page(Context ctx, String name) throws IOException {
        ctx.contentType("text/html; charset=utf-8").result(resource(name));
    }

    private void loginPage(Context ctx, int status, String message) {
        try {
            String html = new String(resource("web/login.html"), StandardCharsets.UTF_8)
                    .replace("{{message}}", message == null ? "" : message);
            ctx.status(status).contentType("text/html; charset=utf-8").result(html);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void asset(Context ctx) throws IOException {
        String f = ctx.pathParam("file");
        if (!ASSETS.contains(f)) {
            json(ctx, 404, Map.of("error", "not found"));
            return;
        }
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(f.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8")
                .result(resource("web/assets/" + f));
    }

    private void uplot(Context ctx) throws IOException {
        String f = ctx.pathParam("file");
        if (!f.equals("uPlot.iife.min.js") && !f.equals("uPlot.min.css")) {
            json(ctx, 404, Map.of("error", "not found"));
            return;
        }
        ctx.header("Cache-Control", "max-age=86400");
        ctx.contentType(f.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8")
                .result(resource(UPLOT + f));
    }

    // ---- JSON ----

    private void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(secrets.redact(JSON.writeValueAsString(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private StatusReport.Document status() {
        Instant now = clock.instant();
        StatusReport.Document d = statusCache;
        if (d == null || now.isAfter(statusAt.plus(STATUS_TTL)) || jobs.running() != null) {
            d = backend.status();
            statusCache = d;
            statusAt = now;
        }
        return d;
    }

    private SnapshotBrowser browser() {
        return backend.browser();
    }

    private void snapshots(Context ctx) {
        String only = ctx.queryParam("source");
        List<SourceConfig> sources = only == null || only.isBlank() ? config.sources() : config.select(List.of(only));
        List<SnapshotRow> rows = new ArrayList<>();
        for (SourceConfig s : sources) {
            for (Snapshot sn : browser().snapshots(s)) {
                rows.add(new SnapshotRow(sn.id(), sn.shortIdOrPrefix(), sn.time(), s.name(), sn.hostname(), sn.paths(),
                        sn.tagsOrEmpty()));
            }
        }
        rows.sort(Comparator.comparing(SnapshotRow::time).reversed());
        json(ctx, 200, rows);
    }

    private void ls(Context ctx) {
        SnapshotBrowser.Resolved r = browser().resolve(ctx.queryParam("source"), ctx.pathParam("id"));
        String limit = ctx.queryParam("limit");
        int n;
        try {
            n = limit == null || limit.isBlank() ? SnapshotBrowser.DEFAULT_LIMIT : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw CfsException.usage("limit must be a number");
        }
        json(ctx, 200, browser().list(r, ctx.queryParam("path"), ctx.queryParam("after"), n));
    }

    private void stat(Context ctx) {
        SnapshotBrowser.Resolved r = browser().resolve(null, ctx.pathParam("id"));
        String rel = SnapshotBrowser.clean(ctx.queryParam("path"));
        Entry e = browser().stat(r, rel);
        if (e == null) {
            throw new NotFoundException("no " + (rel.isEmpty() ? "/" : rel) + " in snapshot " + r.snapshot().shortIdOrPrefix());
        }
        json(ctx, 200, e);
    }

    /**
     * A file's bytes, or a folder as a tar, streamed from restic dump (nothing staged on disk).
     * restic dump starts at once and the path's metadata (file or folder, its size for
     * Content-Length) is read by a {@code restic ls} beside it: the two restic start-ups overlap
     * instead of adding up. The dump's first bytes wait in its pipe until the headers are decided.
     * A client that goes away mid-download closes restic's pipe, which stops restic at its next write.
     */
    private void file(Context ctx) throws IOException {
        SnapshotBrowser.Resolved r = browser().resolve(null, ctx.pathParam("id"));
        String rel = SnapshotBrowser.clean(ctx.queryParam("path"));
        String what = r.snapshot().shortIdOrPrefix() + ":" + (rel.isEmpty() ? "/" : rel) + " of " + r.source().name();
        Entry listed = rel.isEmpty() ? null : browser().seen(r, rel); // the page just listed it: no restic ls
        CompletableFuture<Entry> stat = rel.isEmpty() || listed != null ? CompletableFuture.completedFuture(listed)
                : CompletableFuture.supplyAsync(() -> browser().stat(r, rel), statThreads);
        long[] sent = new long[1];
        boolean[] dirHolder = new boolean[1];
        Entry[] entry = new Entry[1];
        RuntimeException[] refused = new RuntimeException[1];
        CompletableFuture<Process> child = new CompletableFuture<>();
        ProcessResult pr;
        try {
            pr = browser().dump(r, rel, in -> {
                Entry e;
                try {
                    e = rel.isEmpty() ? null : stat.join();
                    if (!rel.isEmpty() && e == null) {
                        throw new NotFoundException("no " + rel + " in snapshot " + r.snapshot().shortIdOrPrefix());
                    }
                    if (e != null && !e.isDirLike() && !"file".equals(e.type())) {
                        throw CfsException.usage(rel + " is a " + e.type() + ", not a file or folder");
                    }
                } catch (RuntimeException ex) {
                    refused[0] = ex instanceof java.util.concurrent.CompletionException && ex.getCause() instanceof RuntimeException c
                            ? c : ex;
                    in.close(); // restic stops at its next write instead of dumping into nothing
                    throw new IOException("refused");
                }
                entry[0] = e;
                boolean dir = e == null || e.isDirLike();
                dirHolder[0] = dir;
                String base = rel.isEmpty() ? r.source().name() : rel.substring(rel.lastIndexOf('/') + 1);
                String name = dir ? base + ".tar" : base;
                ctx.header("Content-Disposition", "attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]", "_")
                        + "\"; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
                ctx.contentType(dir ? "application/x-tar" : "application/octet-stream");
                if (!dir) {
                    ctx.res().setContentLengthLong(e.size());
                }
                ctx.status(200);
                try {
                    OutputStream out = ctx.res().getOutputStream();
                    if (Relay.CHUNKS > 1) {
                        // restic's pipe read straight into direct buffers (null: through the JDK's stream)
                        try (java.nio.channels.FileChannel pipe = ChildPipe.open(started(child), in)) {
                            Relay.copy(in, pipe, out, sent);
                        }
                    } else {
                        // one thread copies (cfs.web.download-chunks=1: the way to compare)
                        byte[] buf = new byte[Relay.CHUNK];
                        int k;
                        while ((k = in.read(buf)) > 0) {
                            out.write(buf, 0, k);
                            sent[0] += k;
                        }
                        out.flush();
                    }
                } catch (IOException ex) {
                    refused[0] = CfsException.failed("the download stopped: " + ex.getClass().getSimpleName()
                            + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
                    in.close(); // the client went away: restic stops at its next write
                    throw ex;
                }
            }, child::complete);
        } catch (RuntimeException ex) {
            RuntimeException cause = refused[0] != null ? refused[0] : ex;
            audit.record("web-download", "failed", what + (sent[0] == 0 ? "" : " after " + sent[0] + " bytes") + ": "
                    + cause.getMessage() + ", to " + ctx.ip());
            throw cause;
        }
        if (refused[0] != null) {
            audit.record("web-download", "failed", what + (sent[0] == 0 ? "" : " after " + sent[0] + " bytes") + ": "
                    + refused[0].getMessage() + ", to " + ctx.ip());
            throw refused[0];
        }
        boolean dir = dirHolder[0];
        Entry e = entry[0];
        boolean ok = pr.ok() && (dir || (e != null && sent[0] == e.size()));
        audit.record("web-download", ok ? "ok" : "failed", what + " " + sent[0] + " bytes" + (dir ? " (tar)" : "")
                + (pr.ok() ? "" : " restic exit " + pr.exitCode()) + ", to " + ctx.ip());
    }

    /** The started child (zt-exec tells it just after the stdout reader has started), or null when it is not told in time. */
    private static Process started(CompletableFuture<Process> child) {
        try {
            return child.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void diff(Context ctx) {
        SourceConfig s = browser().source(required(ctx, "source"));
        json(ctx, 200, browser().diff(s, blankToNull(ctx.queryParam("from")), blankToNull(ctx.queryParam("to"))));
    }

    private void find(Context ctx) {
        SourceConfig s = browser().source(required(ctx, "source"));
        json(ctx, 200, browser().find(s, required(ctx, "pattern")));
    }

    private static String required(Context ctx, String param) {
        String v = ctx.queryParam(param);
        if (v == null || v.isBlank()) {
            throw CfsException.usage("query parameter '" + param + "' is required");
        }
        return v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private void submit(Context ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (JsonProcessingException e) {
            throw CfsException.usage("the body must be JSON like {\"job\": \"backup\", \"sources\": [\"NAME\"]}");
        }
        String job = body == null ? null : body.path("job").asText(null);
        if ("restore".equals(job)) {
            submitRestore(ctx, body);
            return;
        }
        if (!"backup".equals(job) && !"drill".equals(job)) {
            throw CfsException.usage("job must be \"backup\", \"drill\" or \"restore\"");
        }
        List<String> sources = new ArrayList<>();
        body.path("sources").forEach(n -> sources.add(n.asText()));
        config.select(sources); // unknown names: 400 now, not a failed job later
        JobQueue.Job j = jobs.submit(job, sources, ctx.ip());
        ctx.header("Location", "/api/jobs/" + j.id);
        json(ctx, 202, Map.of("id", j.id));
    }

    /**
     * {@code {"job": "restore", "sources": [S], "snapshot": ID, "path": P, "target": DIR}} restores P
     * (a file or folder relative to the source's root; absent or {@code /}: all of it) into DIR;
     * {@code {"job": "restore", "sources": [S], "snapshot": ID, "in_place": true, "confirm": S}}
     * replaces the source's live data, only when {@code confirm} is the source's name typed again.
     * DIR must be absolute, absent or empty (it is made), and outside every source's live folders
     * unless {@code "into_source": true}; the restore command's own guards (system folders,
     * cfs-backup's own data) are checked here too, so a refused restore answers 400 and queues nothing.
     */
    private void submitRestore(Context ctx, JsonNode body) {
        try {
            JobQueue.RestoreSpec spec = restoreSpec(body);
            JobQueue.Job j = jobs.submitRestore(spec, ctx.ip());
            ctx.header("Location", "/api/jobs/" + j.id);
            json(ctx, 202, Map.of("id", j.id));
        } catch (CfsException e) {
            audit.record("web-restore", "refused", e.getMessage() + ", from " + ctx.ip());
            throw e;
        }
    }

    private JobQueue.RestoreSpec restoreSpec(JsonNode body) {
        List<String> sources = new ArrayList<>();
        body.path("sources").forEach(n -> sources.add(n.asText()));
        if (sources.isEmpty() && body.hasNonNull("source")) {
            sources.add(body.path("source").asText());
        }
        if (sources.size() != 1) {
            throw CfsException.usage("a restore names exactly one source: \"sources\": [\"NAME\"]");
        }
        SourceConfig source = browser().source(sources.get(0));
        String snap = blankToNull(body.path("snapshot").asText(null));
        SnapshotBrowser.Resolved r = browser().resolve(source.name(), snap == null ? "latest" : snap);
        String path = SnapshotBrowser.clean(body.path("path").asText(""));
        if (source.kind() == SourceConfig.Kind.COMMAND) {
            path = ""; // a dump's snapshot holds its one file: restoring it means the whole snapshot
        }
        boolean inPlace = body.path("in_place").asBoolean(false);
        String targetText = blankToNull(body.path("target").asText(null));
        Path target = null;
        if (inPlace) {
            if (targetText != null) {
                throw CfsException.usage("give either \"target\" or \"in_place\": true, not both");
            }
            if (!path.isEmpty()) {
                throw CfsException.usage("an in-place restore replaces the whole source: restore " + path
                        + " into a target folder and copy it over instead");
            }
            String confirm = body.path("confirm").asText("");
            if (!confirm.equals(source.name())) {
                throw CfsException.usage("an in-place restore replaces the live data of '" + source.name()
                        + "': type the source's name to confirm (\"confirm\": \"" + source.name() + "\")");
            }
        } else {
            if (targetText == null) {
                throw CfsException.usage("a restore needs \"target\": an absolute folder, absent or empty "
                        + "(or \"in_place\": true with \"confirm\")");
            }
            target = checkTarget(targetText, body.path("into_source").asBoolean(false));
        }
        Long fileSize = null;
        if (!path.isEmpty()) {
            Entry e = browser().stat(r, path);
            if (e == null) {
                throw new NotFoundException("no " + path + " in snapshot " + r.snapshot().shortIdOrPrefix());
            }
            if ("file".equals(e.type())) {
                fileSize = e.size();
            }
        }
        org.cfs.backup.restore.RestoreRequest req = new org.cfs.backup.restore.RestoreRequest(source.name(), r.id(),
                target, path.isEmpty() ? List.of() : List.of(path), false, null, null);
        boolean replacesLive = backend.checkRestore(req); // the restore command's guards: 400 before anything runs
        if (replacesLive != inPlace) {
            throw CfsException.usage("this restore would " + (replacesLive ? "" : "not ") + "replace live data: "
                    + "set \"in_place\" accordingly");
        }
        return new JobQueue.RestoreSpec(req, inPlace, path, fileSize, source.kind() == SourceConfig.Kind.COMMAND);
    }

    /** An absolute folder, not inside a source's live folders unless the operator says so (symlinks resolved). */
    private Path checkTarget(String text, boolean intoSource) {
        Path t = Path.of(text);
        if (!t.isAbsolute()) {
            throw CfsException.usage("target " + text + " is not an absolute path (like /srv/restore/notes)");
        }
        if (!t.normalize().equals(t) || text.contains("/./") || text.contains("/../") || text.endsWith("/..")
                || text.endsWith("/.")) {
            throw CfsException.usage("target " + text + ": give it without '.' or '..'");
        }
        Path real = realPath(t);
        if (!intoSource) {
            for (SourceConfig s : config.sources()) {
                for (Path live : backend.livePaths(s.name())) {
                    Path l = realPath(live.toAbsolutePath().normalize());
                    if (real.startsWith(l)) {
                        throw CfsException.usage("target " + text + " is inside " + l + ", the live data of source '"
                                + s.name() + "': pick a folder outside it, or set \"into_source\": true if you mean it");
                    }
                }
            }
        }
        return t;
    }

    /** The path with its deepest existing ancestor's symlinks resolved. */
    static Path realPath(Path abs) {
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }

    private void job(Context ctx) {
        JobQueue.Job j = jobs.get(ctx.pathParam("id"));
        if (j == null) {
            throw new NotFoundException("no job " + ctx.pathParam("id"));
        }
        json(ctx, 200, j.view());
    }

    private void history(Context ctx) {
        String job = blankToNull(ctx.queryParam("job"));
        String source = blankToNull(ctx.queryParam("source"));
        int limit = 500;
        try {
            if (ctx.queryParam("limit") != null) {
                limit = Math.max(1, Math.min(5000, Integer.parseInt(ctx.queryParam("limit"))));
            }
        } catch (NumberFormatException e) {
            throw CfsException.usage("limit must be a number");
        }
        List<RunRecord> all = backend.history().all();
        List<RunRecord> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            RunRecord r = all.get(i);
            if ((job == null || job.equals(r.job())) && (source == null || source.equals(r.source()))) {
                out.add(r);
            }
        }
        json(ctx, 200, out);
    }

    /** The series of the dashboard's charts: per source backups of the last 90 days, and the quota samples. */
    private void charts(Context ctx) {
        Instant since = clock.instant().minus(90, ChronoUnit.DAYS);
        Map<String, List<Map<String, Object>>> backups = new LinkedHashMap<>();
        for (SourceConfig s : config.sources()) {
            backups.put(s.name(), new ArrayList<>());
        }
        for (RunRecord r : backend.history().all()) {
            if (!"backup".equals(r.job()) || r.source() == null || r.end() == null || r.end().isBefore(since)
                    || !backups.containsKey(r.source())) {
                continue;
            }
            Map<String, Object> f = r.figures() == null ? Map.of() : r.figures();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("t", r.end().getEpochSecond());
            p.put("status", r.status());
            p.put("bytes", f.get("bytes_processed"));
            p.put("added", f.get("data_added"));
            p.put("duration_s", f.get("duration_s"));
            p.put("downtime_s", f.get("downtime_s"));
            backups.get(r.source()).add(p);
        }
        List<Map<String, Object>> quota = new ArrayList<>();
        Path qf = config.stateDir().resolve("quota.jsonl");
        for (JsonNode q : new JsonLines<>(qf, JsonNode.class, "quota samples").all()) {
            Instant t = parse(q.path("time").asText(null));
            if (t == null || t.isBefore(since)) {
                continue;
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("t", t.getEpochSecond());
            p.put("used", q.path("used").isNumber() ? q.path("used").asLong() : null);
            p.put("free", q.path("free").isNumber() ? q.path("free").asLong() : null);
            p.put("total", q.path("total").isNumber() ? q.path("total").asLong() : null);
            quota.add(p);
        }
        json(ctx, 200, Map.of("backups", backups, "quota", quota));
    }

    private static Instant parse(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
