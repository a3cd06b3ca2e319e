package org.cfs.backup.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;

import org.cfs.backup.restic.Restic;

/**
 * What an in-place restore would change: the snapshot's listing under one of its paths against
 * the live folder. Added = in the snapshot only, removed = live only, changed = type, size, mtime,
 * mode, owner or link target differ (a folder's mtime alone does not count). Both sides are
 * streamed in tree order and merged, so memory does not grow with the number of files (a million
 * files fit the launcher's 128 MiB heap); the names kept for the report are capped.
 */
final class TreeDiff {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TreeDiff.class);
    final List<String> added = new ArrayList<>();
    final List<String> changed = new ArrayList<>();
    final List<String> removed = new ArrayList<>();
    long addedCount;
    long changedCount;
    long removedCount;
    private final int keep;
    /** Paths the source's {@code exclude} matches: never saved, so a restore leaves them alone and the preview omits them. */
    private final ExcludeMatcher excluded;

    /** @param keep how many names of each kind the report keeps (all are counted) */
    TreeDiff(int keep) {
        this(keep, null);
    }

    /** @param excluded the source's excludes (null: none), matched against the live folder's absolute paths */
    TreeDiff(int keep, ExcludeMatcher excluded) {
        this.keep = keep;
        this.excluded = excluded == null || excluded.isEmpty() ? null : excluded;
    }

    /** True when the entry {@code rel} below the live folder is one the source excludes. */
    private boolean excluded(Path live, String rel) {
        return excluded != null && excluded.matches(live.toString() + "/" + rel);
    }

    /** What a dry run needs of a listed node (about a third of a parsed {@link Restic.LsNode}). */
    record Node(String type, long uid, long gid, long mode, long size, long mtimeNanos, String linktarget) {
        static Node of(Restic.LsNode n) {
            return new Node(n.type().intern(), n.uid(), n.gid(), n.mode(), n.size(), n.mtimeNanos(), n.linktarget());
        }
    }

    private void added(String name) {
        if (addedCount++ < keep) {
            added.add(name);
        }
    }

    private void changed(String name) {
        if (changedCount++ < keep) {
            changed.add(name);
        }
    }

    private void removed(String name) {
        if (removedCount++ < keep) {
            removed.add(name);
        }
    }

    /** One listed entry, relative to the snapshot path; {@link #END} ends the listing. */
    private record Listed(String rel, Node node) {
    }

    private static final Listed END = new Listed(null, null);

    /** The snapshot's listing was not in tree order (restic sorts every tree; this guards the merge). */
    private static final class NotInTreeOrder extends RuntimeException {
        NotInTreeOrder() {
            super(null, null, false, false);
        }
    }

    /** Compares one snapshot path with its live folder; names are relative to the source's root. */
    void compare(Restic restic, String snapshotId, String snapRoot, Path live, String prefix) throws IOException {
        long a = addedCount;
        long c = changedCount;
        long r = removedCount;
        int[] sizes = {added.size(), changed.size(), removed.size()};
        try {
            compareStreaming(restic, snapshotId, snapRoot, live, prefix);
        } catch (NotInTreeOrder e) {
            LOG.warn("the listing of {} is not in tree order; comparing with the whole listing in memory", snapRoot);
            // undo this path's partial result, then compare the way that needs no order
            addedCount = a;
            changedCount = c;
            removedCount = r;
            added.subList(sizes[0], added.size()).clear();
            changed.subList(sizes[1], changed.size()).clear();
            removed.subList(sizes[2], removed.size()).clear();
            compareInMemory(restic, snapshotId, snapRoot, live, prefix);
        }
    }

    private void compareStreaming(Restic restic, String snapshotId, String snapRoot, Path live, String prefix)
            throws IOException {
        String rootSlash = snapRoot.endsWith("/") ? snapRoot : snapRoot + "/";
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(4096);
        AtomicBoolean stop = new AtomicBoolean();
        Thread lister = new Thread(() -> {
            Object last = END;
            try {
                restic.ls(snapshotId, List.of(snapRoot), n -> {
                    if (n.path().startsWith(rootSlash) && !excluded(live, n.path().substring(rootSlash.length()))) {
                        put(queue, new Listed(n.path().substring(rootSlash.length()), Node.of(n)), stop);
                    }
                });
            } catch (Throwable e) {
                last = e;
            }
            if (!stop.get()) {
                put(queue, last, stop);
            }
        }, "dry-run-ls");
        lister.setDaemon(true);
        lister.start();
        try {
            LiveWalk walk = new LiveWalk(live, rel -> excluded(live, rel));
            Listed s = take(queue);
            LiveWalk.Entry l = walk.next();
            String lastSnap = null;
            while (s != null || l != null) {
                if (s != null && lastSnap != null && compareTreeOrder(lastSnap, s.rel()) >= 0) {
                    throw new NotInTreeOrder();
                }
                int cmp = s == null ? 1 : l == null ? -1 : compareTreeOrder(s.rel(), l.rel());
                if (cmp < 0) {
                    added(prefix + s.rel());
                    lastSnap = s.rel();
                    s = take(queue);
                } else if (cmp > 0) {
                    removed(prefix + l.rel());
                    l = walk.next();
                } else {
                    if (differs(s.node(), l.path(), l.attrs())) {
                        changed(prefix + s.rel());
                    }
                    lastSnap = s.rel();
                    s = take(queue);
                    l = walk.next();
                }
            }
        } finally {
            stop.set(true);
            queue.clear(); // a lister blocked on a full queue sees the stop
            try {
                lister.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Hands one item to the merge; stops restic ls (by throwing) once the merge has stopped. */
    private static void put(BlockingQueue<Object> queue, Object item, AtomicBoolean stop) {
        try {
            // the bounded wait only lets a stopped merge be noticed while the queue is full
            do {
                if (stop.get()) {
                    throw new CfsException(ExitCode.FAILED, "the dry run stopped reading the listing");
                }
            } while (!queue.offer(item, 100, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CfsException(ExitCode.FAILED, "interrupted");
        }
    }

    private static Listed take(BlockingQueue<Object> queue) {
        Object o;
        try {
            o = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CfsException(ExitCode.FAILED, "interrupted");
        }
        if (o instanceof Listed l) {
            return l == END ? null : l;
        }
        if (o instanceof RuntimeException re) {
            throw re;
        }
        if (o instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException((Throwable) o);
    }

    /**
     * Restic's order of a tree walk: a folder before what it holds, names in byte order of their
     * UTF-8 (Go's string order). Compares relative paths component by component.
     */
    static int compareTreeOrder(String a, String b) {
        int i = 0;
        int j = 0;
        while (true) {
            int ea = a.indexOf('/', i);
            int eb = b.indexOf('/', j);
            String ca = ea < 0 ? a.substring(i) : a.substring(i, ea);
            String cb = eb < 0 ? b.substring(j) : b.substring(j, eb);
            int c = compareNames(ca, cb);
            if (c != 0) {
                return c;
            }
            if (ea < 0 || eb < 0) {
                return ea < 0 && eb < 0 ? 0 : ea < 0 ? -1 : 1; // the shorter is the folder holding the other
            }
            i = ea + 1;
            j = eb + 1;
        }
    }

    /** Byte order of the names' UTF-8; for names of plain ASCII the same as String order. */
    static int compareNames(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The live folder in restic's tree order, one folder's names in memory at a time per level. */
    private static final class LiveWalk {
        record Entry(String rel, Path path, BasicFileAttributes attrs) {
        }

        private final Path root;
        /** Entries (by relative path) the walk skips, with all they hold. */
        private final java.util.function.Predicate<String> skip;
        /** Per open folder: its sorted names and the next index. */
        private final ArrayDeque<Level> stack = new ArrayDeque<>();

        private record Level(String rel, Path dir, List<String> names, int[] next) {
        }

        LiveWalk(Path root) throws IOException {
            this(root, rel -> false);
        }

        LiveWalk(Path root, java.util.function.Predicate<String> skip) throws IOException {
            this.root = root;
            this.skip = skip;
            if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                stack.push(level("", root));
            }
        }

        private Level level(String rel, Path dir) throws IOException {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (dir.equals(root) && (name.equals(TreeSwap.NEW) || name.equals(TreeSwap.OLD))) {
                        continue; // an in-place restore's staging, not the volume's data
                    }
                    names.add(name);
                }
            }
            names.sort(TreeDiff::compareNames);
            return new Level(rel, dir, names, new int[1]);
        }

        Entry next() throws IOException {
            while (!stack.isEmpty()) {
                Level top = stack.peek();
                if (top.next()[0] >= top.names().size()) {
                    stack.pop();
                    continue;
                }
                String name = top.names().get(top.next()[0]++);
                Path p = top.dir().resolve(name);
                String rel = top.rel().isEmpty() ? name : top.rel() + "/" + name;
                if (skip.test(rel)) {
                    continue; // excluded from every backup: the restore leaves it as it is
                }
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue; // gone since the folder was read
                }
                if (attrs.isDirectory()) {
                    stack.push(level(rel, p));
                }
                return new Entry(rel, p, attrs);
            }
            return null;
        }
    }

    /** The order-free comparison: the listing in a map, then one walk of the live folder. */
    private void compareInMemory(Restic restic, String snapshotId, String snapRoot, Path live, String prefix)
            throws IOException {
        Map<String, Node> snap = new HashMap<>();
        String rootSlash = snapRoot.endsWith("/") ? snapRoot : snapRoot + "/";
        restic.ls(snapshotId, List.of(snapRoot), n -> {
            if (n.path().startsWith(rootSlash) && !excluded(live, n.path().substring(rootSlash.length()))) {
                snap.put(n.path().substring(rootSlash.length()), Node.of(n));
            }
        });
        // the same walk as the merge's (staging folders skipped the same way); only its order is not needed
        LiveWalk walk = new LiveWalk(live, rel -> excluded(live, rel));
        for (LiveWalk.Entry l = walk.next(); l != null; l = walk.next()) {
            Node n = snap.remove(l.rel());
            if (n == null) {
                removed(prefix + l.rel());
            } else if (differs(n, l.path(), l.attrs())) {
                changed(prefix + l.rel());
            }
        }
        List<String> rest = new ArrayList<>(snap.keySet());
        rest.sort(TreeDiff::compareTreeOrder);
        for (String rel : rest) {
            added(prefix + rel);
        }
    }

    static boolean differs(Node n, Path p, BasicFileAttributes attrs) throws IOException {
        String type = attrs.isSymbolicLink() ? "symlink" : attrs.isDirectory() ? "dir" : attrs.isRegularFile() ? "file" : "other";
        if (!type.equals(n.type())) {
            return true;
        }
        Map<String, Object> unix = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
        if (((Number) unix.get("uid")).longValue() != n.uid() || ((Number) unix.get("gid")).longValue() != n.gid()) {
            return true;
        }
        if (!attrs.isSymbolicLink() && (((Number) unix.get("mode")).longValue() & 0777) != (n.mode() & 0777)) {
            return true;
        }
        if (attrs.isSymbolicLink()) {
            // restic 0.14's ls --json has no link target: then only type and owner can be compared
            return n.linktarget() != null && !Files.readSymbolicLink(p).toString().equals(n.linktarget());
        }
        if (attrs.isRegularFile()) {
            long liveNanos = attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            return attrs.size() != n.size() || liveNanos != n.mtimeNanos();
        }
        return false;
    }

    void sort() {
        Collections.sort(added);
        Collections.sort(changed);
        Collections.sort(removed);
    }
}
