package org.cfs.backup.drill;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the tar stream of {@code restic dump SNAPSHOT PATH} entry by entry: every entry must be
 * in the snapshot's listing with the listed type and size; every file is fingerprinted and, when the
 * live source holds it unchanged, compared with it. Nothing is written to disk.
 */
final class TarVerifier {
    /**
     * Entries read ahead of a listing that is not complete yet: restic dump need not stall behind
     * restic ls (both start together), and memory stays bounded (a path, a type, a size and a
     * fingerprint each) when the listing of a million files takes longer than the first entries.
     */
    static final int MAX_PENDING = 4096;

    private final java.util.concurrent.CompletableFuture<ListingIndex> listing;
    private ListingIndex index;
    private final java.util.ArrayDeque<Entry> pending = new java.util.ArrayDeque<>();
    private final Path liveRoot;
    private final String snapshotRoot;
    private final Problems problems;
    private final LiveComparison live;
    long files;
    long bytes;
    /** Set when the listing failed: the caller reports that, nothing more is checked. */
    boolean listingFailed;
    /** Issue 16: SQLite files (found by their header) are copied aside and checked; null = no check; the caller finishes it. */
    SqliteSpool sqlite;

    /** Files at least this large have their live copy hashed while their tar bytes are read. */
    static final long EARLY_LIVE_MIN = 4L << 20;

    /** One tar entry as read: its bytes already fingerprinted when it is a file. */
    private record Entry(String path, byte type, long size, long fingerprint, boolean liveStarted) {
    }

    /**
     * @param snapshotRoot the dumped path inside the snapshot (e.g. /var/lib/docker/volumes/x/_data)
     * @param liveRoot     where that path is live now, or null to skip the live comparison
     */
    TarVerifier(ListingIndex index, String snapshotRoot, Path liveRoot, Problems problems, LiveComparison live) {
        this(java.util.concurrent.CompletableFuture.completedFuture(index), snapshotRoot, liveRoot, problems, live);
    }

    /** As above, with the listing still being read: entries are checked as soon as it is complete. */
    TarVerifier(java.util.concurrent.CompletableFuture<ListingIndex> listing, String snapshotRoot, Path liveRoot,
                Problems problems, LiveComparison live) {
        this.listing = listing;
        this.snapshotRoot = snapshotRoot;
        this.liveRoot = liveRoot;
        this.problems = problems;
        this.live = live;
    }

    /**
     * Reads the whole tar. The SQLite checks it started may still run: the caller joins them with
     * {@link SqliteSpool#finish} after restic's exit (issue 16: they overlap it).
     */
    void read(InputStream stdout) {
        readTar(stdout);
    }

    private void readTar(InputStream stdout) {
        // restic writes through a 1 MiB pipe (Restic.withLargePipe): read it in reads as large
        byte[] buf = new byte[1 << 20];
        // not closed here: the process runner drains and closes restic's stdout itself
        @SuppressWarnings("resource")
        TarArchiveInputStream tar = new TarArchiveInputStream(stdout, 65536);
        try {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String path = "/" + stripSlashes(e.getName());
                byte type = e.isDirectory() ? ListingIndex.DIR : e.isSymbolicLink() ? ListingIndex.SYMLINK
                        : e.isFile() ? ListingIndex.FILE : ListingIndex.OTHER;
                long n = 0;
                long fp = 0;
                LiveComparison.Early early = null;
                if (type == ListingIndex.FILE) {
                    early = startEarly(path, e.getSize());
                    Fingerprint md = new Fingerprint();
                    SqliteSpool.Sink sink = null;
                    byte[] head = sqlite != null && e.getSize() >= 512 ? new byte[16] : null;
                    int hn = 0;
                    try {
                        int r;
                        while ((r = tar.read(buf)) > 0) {
                            md.update(buf, 0, r);
                            n += r;
                            if (sink != null) {
                                sink.write(buf, 0, r);
                            } else if (head != null && hn < head.length) {
                                int take = Math.min(head.length - hn, r);
                                System.arraycopy(buf, 0, head, hn, take);
                                hn += take;
                                if (hn == head.length && org.cfs.backup.bootdrill.SqliteCheck.isHeader(head)) {
                                    sink = sqlite.start(path, e.getSize());
                                    if (sink != null) {
                                        sink.write(head, 0, head.length);
                                        sink.write(buf, take, r - take);
                                    }
                                }
                            }
                        }
                        fp = md.value();
                    } finally {
                        if (sink != null) {
                            sink.done(n == e.getSize());
                        }
                        if (early != null) {
                            if (n == e.getSize()) {
                                early.snapshotRead(fp);
                            } else {
                                early.abandon();
                            }
                        }
                    }
                }
                if (!accept(new Entry(path, type, n, fp, early != null))) {
                    return;
                }
            }
        } catch (IOException e) {
            if (awaitListing()) {
                drain();
                problems.add(snapshotRoot + ": the dump's tar stream broke off after " + files + " files: " + e.getMessage());
            }
            return; // without a listing the caller reports why (and the stream may be another snapshot's)
        }
        if (awaitListing()) {
            drain();
        }
    }

    /** The live comparison of a large file, started before its bytes are read; null when not now. */
    private LiveComparison.Early startEarly(String path, long headerSize) {
        if (live == null || liveRoot == null || headerSize < EARLY_LIVE_MIN) {
            return null;
        }
        if (index == null && (!listing.isDone() || !awaitListing())) {
            return null;
        }
        int slot = index.find(path);
        if (slot < 0 || index.typeAt(slot) != ListingIndex.FILE || index.sizeAt(slot) != headerSize) {
            return null; // check() reports what is wrong
        }
        return live.early(livePath(path), path, headerSize, index.mtimeAt(slot));
    }

    /** Checks the entry now, or keeps it until the listing is complete; false when the listing failed. */
    private boolean accept(Entry en) {
        if (index == null && listing.isDone()) {
            if (!awaitListing()) {
                return false;
            }
        }
        if (index == null) {
            pending.add(en);
            if (pending.size() >= MAX_PENDING) {
                if (!awaitListing()) {
                    return false;
                }
                drain();
            }
            return true;
        }
        drain();
        check(en);
        return true;
    }

    /** Waits for the complete listing; false (and {@link #listingFailed}) when it failed. */
    private boolean awaitListing() {
        if (index != null) {
            return true;
        }
        try {
            index = listing.join();
            return true;
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            listingFailed = true;
            pending.clear();
            return false;
        }
    }

    private void drain() {
        Entry en;
        while ((en = pending.poll()) != null) {
            check(en);
        }
    }

    private void check(Entry en) {
        String path = en.path();
        int slot = index.find(path);
        if (slot < 0) {
            problems.add(path + ": in the dump but not in the snapshot's listing");
            return;
        }
        if (!index.markSeen(slot)) {
            problems.add(path + ": twice in the dump");
        }
        if (en.type() != index.typeAt(slot) && index.typeAt(slot) != ListingIndex.OTHER) {
            problems.add(path + ": type differs between the dump and the listing");
            return;
        }
        if (en.type() != ListingIndex.FILE) {
            return;
        }
        long n = en.size();
        bytes += n;
        if (n != index.sizeAt(slot)) {
            problems.add(path + ": " + n + " bytes in the dump, " + index.sizeAt(slot) + " in the listing");
            return;
        }
        files++;
        if (live != null && liveRoot != null && !en.liveStarted()) {
            live.submit(livePath(path), path, n, index.mtimeAt(slot), en.fingerprint());
        }
    }

    Path livePath(String snapshotPath) {
        if (snapshotPath.equals(snapshotRoot)) {
            return liveRoot;
        }
        String rest = snapshotPath.substring(snapshotRoot.length() + (snapshotRoot.endsWith("/") ? 0 : 1));
        return liveRoot.resolve(rest);
    }

    static String stripSlashes(String name) {
        int a = 0;
        int b = name.length();
        while (a < b && name.charAt(a) == '/') {
            a++;
        }
        while (b > a && name.charAt(b - 1) == '/') {
            b--;
        }
        return name.substring(a, b);
    }
}
