package org.cfs.backup.browse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessSpec;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.restore.SnapshotSelector;

/**
 * Reads snapshots of the configured sources without restoring them: one folder at a time (paged,
 * streamed from {@code restic ls}, never a whole listing in memory), a file's metadata and bytes
 * ({@code restic dump}), the snapshots holding a name ({@code restic find}) and what changed
 * between two snapshots ({@code restic diff}). Paths are relative to the source's root, as with
 * {@code restore --include}; only snapshots of this host's configured sources are reachable.
 * Used by the {@code ls}, {@code find} and {@code diff} commands and by the web console.
 */
public final class SnapshotBrowser {
    public static final int DEFAULT_LIMIT = 200;
    public static final int MAX_LIMIT = 5000;
    /** Each list of a diff is cut here (the counts stay exact). */
    public static final int DIFF_LIST_CAP = 10_000;

    /** A snapshot and the configured source it belongs to. */
    public record Resolved(Snapshot snapshot, SourceConfig source) {
        public String id() {
            return snapshot.id();
        }
    }

    private final Config config;
    private final Restic restic;
    /** Snapshots never change: once resolved, a full id is kept (bounded, cleared when large). */
    private final Map<String, Resolved> byFullId = new ConcurrentHashMap<>();
    private final FolderCursors cursors = new FolderCursors();
    /**
     * Entries of the pages listed lately, by snapshot and absolute path (snapshots never change): a
     * download or restore of an entry the page just showed needs no {@code restic ls} of its own.
     */
    private final Map<String, Entry> seen = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                    return size() > SEEN_MAX;
                }
            });
    static final int SEEN_MAX = 4096;

    private final String host;

    public SnapshotBrowser(Config config, Restic restic) {
        this(config, restic, null);
    }

    /** @param host whose snapshots to browse (a rebuilt machine reads its old host's); null: the config's */
    public SnapshotBrowser(Config config, Restic restic, String host) {
        this.config = config;
        this.restic = restic;
        this.host = host == null ? config.host() : host;
    }

    public Config config() {
        return config;
    }

    /** The source's snapshots on this host, newest first (safety and first-pass snapshots included, tagged). */
    public List<Snapshot> snapshots(SourceConfig source) {
        List<Snapshot> all = new ArrayList<>(restic.snapshotsNoLock(host, List.of(source.name())));
        all.removeIf(s -> !s.hasTag(source.name()));
        all.sort(Comparator.comparing(Snapshot::time).reversed());
        if (byFullId.size() + all.size() > 10_000) {
            byFullId.clear();
        }
        for (Snapshot s : all) {
            byFullId.putIfAbsent(s.id(), new Resolved(s, source)); // the snapshot list seen: opening one needs no restic run
        }
        return all;
    }

    public SourceConfig source(String name) {
        return config.select(List.of(name)).get(0);
    }

    /**
     * A snapshot by id prefix (or {@code latest}, the newest regular one, when a source is named).
     *
     * @param source the source it must belong to, or null for any configured source
     * @throws CfsException exit 2 when it is unknown, ambiguous or of another source; 1 when a source has none
     */
    public Resolved resolve(String source, String idOrLatest) {
        SourceConfig named = source == null ? null : source(source);
        if (idOrLatest == null || idOrLatest.equals("latest")) {
            if (named == null) {
                throw CfsException.usage("'latest' needs a source");
            }
            Snapshot s = SnapshotSelector.latest(snapshots(named), named.name());
            if (s == null) {
                throw new CfsException(ExitCode.FAILED, "source '" + named.name() + "' has no snapshot yet (host "
                        + host + ")");
            }
            return new Resolved(s, named);
        }
        if (!idOrLatest.matches("[0-9a-fA-F]{4,64}")) {
            throw CfsException.usage("'" + idOrLatest + "' is not a snapshot id (hex, at least 4 digits) nor 'latest'");
        }
        String p = idOrLatest.toLowerCase(Locale.ROOT);
        Resolved cached = byFullId.get(p);
        if (cached != null && (named == null || cached.source().name().equals(named.name()))) {
            return cached;
        }
        List<String> names = named != null ? List.of(named.name())
                : config.sources().stream().map(SourceConfig::name).toList();
        List<Snapshot> matches = restic.snapshotsNoLock(host, names).stream()
                .filter(s -> s.id().startsWith(p)).toList();
        if (matches.isEmpty()) {
            throw new NotFoundException("snapshot " + idOrLatest + " does not exist"
                    + (named == null ? " among this host's sources" : " for source '" + named.name() + "'"));
        }
        if (matches.size() > 1) {
            throw CfsException.usage("snapshot id " + idOrLatest + " is ambiguous (" + matches.size()
                    + " snapshots start with it): give more digits");
        }
        Snapshot s = matches.get(0);
        SourceConfig owner = named != null ? named
                : config.sources().stream().filter(sc -> s.hasTag(sc.name())).findFirst().orElseThrow();
        Resolved r = new Resolved(s, owner);
        if (byFullId.size() > 10_000) {
            byFullId.clear();
        }
        byFullId.put(s.id(), r);
        return r;
    }

    // ---- paths ----

    /** A path relative to the source's root, cleaned: no leading or trailing '/', no '.' or '..' segment. */
    public static String clean(String rel) {
        if (rel == null) {
            return "";
        }
        if (rel.indexOf('\0') >= 0) {
            throw CfsException.usage("a path cannot hold a NUL character");
        }
        List<String> parts = new ArrayList<>();
        for (String seg : rel.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                throw CfsException.usage("path " + rel + ": must be a path inside the source, without '..'");
            }
            parts.add(seg);
        }
        return String.join("/", parts);
    }

    /** The absolute path inside the snapshot of a path relative to the source's root. */
    public static String absolutePath(List<String> snapshotPaths, String rel) {
        String r = clean(rel);
        if (snapshotPaths != null && snapshotPaths.size() == 1) {
            String root = stripSlash(snapshotPaths.get(0));
            return r.isEmpty() ? root : (root.equals("/") ? "/" : root + "/") + r;
        }
        // several paths: below the root as their absolute paths (opt/cfs-infra, usr/local/bin), as restore lays them
        return "/" + r;
    }

    /** The path relative to the source's root of an absolute path inside the snapshot. */
    public static String relativePath(List<String> snapshotPaths, String abs) {
        if (snapshotPaths != null && snapshotPaths.size() == 1) {
            String root = stripSlash(snapshotPaths.get(0));
            if (abs.equals(root)) {
                return "";
            }
            String prefix = root.equals("/") ? "/" : root + "/";
            if (abs.startsWith(prefix)) {
                return abs.substring(prefix.length());
            }
        }
        String r = abs;
        while (r.startsWith("/")) {
            r = r.substring(1);
        }
        return r;
    }

    private static String stripSlash(String p) {
        String r = p;
        while (r.length() > 1 && r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    static String parentOf(String abs) {
        int i = abs.lastIndexOf('/');
        return i <= 0 ? "/" : abs.substring(0, i);
    }

    /** restic keeps a folder's entries sorted by the bytes of their names. */
    static int compareNames(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    // ---- one folder, paged ----

    /** Thrown from restic's output reader once a page is full: restic stops at its next write. */
    private static final class PageFull extends CfsException {
        PageFull() {
            super(ExitCode.OK, "page full");
        }
    }

    /**
     * One page of a folder: the entries after the name {@code after} (exclusive), at most
     * {@code limit}. Only a page is held: when it is full, restic is left blocked on its stdout,
     * parked for the next page (asked with {@code after} = this page's {@code next}), and stopped
     * when nobody asks within a minute. Any other {@code after} lists from the start and skips.
     * A file's path gives a page holding that file.
     *
     * @throws CfsException exit 2 when the path does not exist in the snapshot
     */
    public Page list(Resolved r, String rel, String after, int limit) {
        int lim = limit <= 0 ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
        List<String> paths = r.snapshot().paths();
        String abs = absolutePath(paths, rel);
        boolean paging = after != null && !after.isEmpty();
        // the next page of a folder continues the restic run parked after the page before
        FolderCursors.Cursor c = paging ? cursors.take(r.id(), abs, after) : null;
        boolean resumed = c != null;
        if (c == null) {
            c = cursors.open(restic, r.id(), abs);
        }
        List<Entry> entries = new ArrayList<>();
        Restic.LsNode self = null;
        boolean more = false;
        try {
            Restic.LsNode n;
            while ((n = c.next()) != null) {
                if (n.path().equals(abs)) {
                    self = n;
                    continue;
                }
                if (!parentOf(n.path()).equals(abs)) {
                    continue;
                }
                if (paging && !resumed && compareNames(n.name(), after) <= 0) {
                    continue;
                }
                if (entries.size() == lim) {
                    c.pushBack(n);
                    more = true;
                    break;
                }
                Entry entry = Entry.of(n, relativePath(paths, n.path()));
                entries.add(entry);
                seen.put(r.id() + "\0" + n.path(), entry);
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        if (more) {
            cursors.park(r.id(), abs, entries.get(entries.size() - 1).name(), c);
        } else {
            c.close();
        }
        String shown = clean(rel).isEmpty() ? "/" : clean(rel);
        if (self != null && !self.isDir()) {
            return new Page(r.id(), r.source().name(), shown, List.of(Entry.of(self, clean(rel))), null);
        }
        if (!resumed && self == null && entries.isEmpty() && !abs.equals("/")) {
            throw new NotFoundException("no " + shown + " in snapshot " + r.snapshot().shortIdOrPrefix() + " of "
                    + r.source().name());
        }
        return new Page(r.id(), r.source().name(), shown, entries, more ? entries.get(entries.size() - 1).name() : null);
    }

    /** A node's metadata when a page listed lately held it (no restic run), else null. */
    public Entry seen(Resolved r, String rel) {
        return seen.get(r.id() + "\0" + absolutePath(r.snapshot().paths(), clean(rel)));
    }

    /** How many listings wait, parked, for their next page (for tests). */
    int parkedListings() {
        return cursors.parkedCount();
    }

    /** A node's metadata, or null when the path is not in the snapshot. */
    public Entry stat(Resolved r, String rel) {
        String c = clean(rel);
        List<String> paths = r.snapshot().paths();
        String abs = absolutePath(paths, c);
        Entry known = seen.get(r.id() + "\0" + abs);
        if (known != null) {
            return known;
        }
        Entry[] found = new Entry[1];
        try {
            restic.lsFolder(r.id(), abs, n -> {
                if (n.path().equals(abs)) {
                    found[0] = Entry.of(n, c);
                    throw new PageFull();
                }
            });
        } catch (PageFull e) {
            // found it; restic was stopped
        }
        if (found[0] != null) {
            seen.put(r.id() + "\0" + abs, found[0]);
        }
        return found[0];
    }

    /**
     * Streams a file's bytes (or a folder as a tar) from {@code restic dump}, never staged on disk.
     *
     * @return restic's result: the caller decides what a failure after the first bytes means
     */
    public ProcessResult dump(Resolved r, String rel, ProcessSpec.StreamConsumer out) {
        return restic.dump(r.id(), absolutePath(r.snapshot().paths(), rel), out);
    }

    /** As {@link #dump(Resolved, String, ProcessSpec.StreamConsumer)}, telling {@code onStart} the started restic. */
    public ProcessResult dump(Resolved r, String rel, ProcessSpec.StreamConsumer out,
                              java.util.function.Consumer<Process> onStart) {
        return restic.dump(r.id(), absolutePath(r.snapshot().paths(), rel), out, null, onStart);
    }

    // ---- find and diff ----

    /** The snapshots of the source holding a name matching the pattern (restic's globs), newest first. */
    public List<FindMatch> find(SourceConfig source, String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw CfsException.usage("find needs a pattern, like '*.sql' or 'notes.txt'");
        }
        Map<String, Snapshot> snaps = new java.util.HashMap<>();
        for (Snapshot s : snapshots(source)) {
            snaps.put(s.id(), s);
        }
        List<FindMatch> out = new ArrayList<>();
        for (JsonNode group : restic.find(host, List.of(source.name()), pattern)) {
            Snapshot s = snaps.get(group.path("snapshot").asText());
            if (s == null) {
                continue;
            }
            for (JsonNode m : group.path("matches")) {
                out.add(new FindMatch(s.id(), s.shortIdOrPrefix(), s.time(), relativePath(s.paths(), m.path("path").asText()),
                        m.path("type").asText(), m.path("size").asLong(0), instant(m.path("mtime").asText(null))));
            }
        }
        out.sort(Comparator.comparing(FindMatch::time).reversed().thenComparing(FindMatch::path));
        return out;
    }

    private static java.time.Instant instant(String s) {
        try {
            return s == null ? null : java.time.OffsetDateTime.parse(s).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /**
     * What changed between two snapshots of the source: with no id the two newest regular ones,
     * with one id that one against the newest.
     */
    public SnapshotDiff diff(SourceConfig source, String fromId, String toId) {
        Resolved from;
        Resolved to;
        if (fromId == null) {
            List<Snapshot> regular = snapshots(source).stream().filter(SnapshotSelector::regular).toList();
            if (regular.size() < 2) {
                throw new CfsException(ExitCode.FAILED, "source '" + source.name() + "' has " + regular.size()
                        + " snapshot(s): a diff needs two");
            }
            from = new Resolved(regular.get(1), source);
            to = new Resolved(regular.get(0), source);
        } else {
            from = resolve(source.name(), fromId);
            to = resolve(source.name(), toId == null ? "latest" : toId);
        }
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        long[] counts = new long[3];
        boolean[] truncated = new boolean[1];
        List<String> paths = to.snapshot().paths();
        restic.diff(from.id(), to.id(), m -> {
            if (!"change".equals(m.path("message_type").asText())) {
                return;
            }
            String path = relativePath(paths, m.path("path").asText());
            String mod = m.path("modifier").asText();
            int k = mod.startsWith("+") ? 0 : mod.startsWith("-") ? 1 : 2;
            List<String> list = k == 0 ? added : k == 1 ? removed : changed;
            counts[k]++;
            if (list.size() < DIFF_LIST_CAP) {
                list.add(path);
            } else {
                truncated[0] = true;
            }
        });
        return new SnapshotDiff(source.name(), from.id(), to.id(), added, removed, changed, counts[0], counts[1],
                counts[2], truncated[0]);
    }
}
