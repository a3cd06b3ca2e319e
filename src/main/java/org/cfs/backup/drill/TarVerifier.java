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
    private final ListingIndex index;
    private final Path liveRoot;
    private final String snapshotRoot;
    private final Problems problems;
    private final LiveComparison live;
    long files;
    long bytes;

    /**
     * @param snapshotRoot the dumped path inside the snapshot (e.g. /var/lib/docker/volumes/x/_data)
     * @param liveRoot     where that path is live now, or null to skip the live comparison
     */
    TarVerifier(ListingIndex index, String snapshotRoot, Path liveRoot, Problems problems, LiveComparison live) {
        this.index = index;
        this.snapshotRoot = snapshotRoot;
        this.liveRoot = liveRoot;
        this.problems = problems;
        this.live = live;
    }

    void read(InputStream stdout) {
        // restic writes through a 1 MiB pipe (Restic.withLargePipe): read it in reads as large
        byte[] buf = new byte[1 << 20];
        // not closed here: the process runner drains and closes restic's stdout itself
        @SuppressWarnings("resource")
        TarArchiveInputStream tar = new TarArchiveInputStream(stdout, 65536);
        try {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String path = "/" + stripSlashes(e.getName());
                int slot = index.find(path);
                if (slot < 0) {
                    problems.add(path + ": in the dump but not in the snapshot's listing");
                    continue;
                }
                if (!index.markSeen(slot)) {
                    problems.add(path + ": twice in the dump");
                }
                byte type = e.isDirectory() ? ListingIndex.DIR : e.isSymbolicLink() ? ListingIndex.SYMLINK
                        : e.isFile() ? ListingIndex.FILE : ListingIndex.OTHER;
                if (type != index.typeAt(slot) && index.typeAt(slot) != ListingIndex.OTHER) {
                    problems.add(path + ": type differs between the dump and the listing");
                    continue;
                }
                if (type != ListingIndex.FILE) {
                    continue;
                }
                Fingerprint md = new Fingerprint();
                long n = 0;
                int r;
                while ((r = tar.read(buf)) > 0) {
                    md.update(buf, 0, r);
                    n += r;
                }
                bytes += n;
                if (n != index.sizeAt(slot)) {
                    problems.add(path + ": " + n + " bytes in the dump, " + index.sizeAt(slot) + " in the listing");
                    continue;
                }
                files++;
                if (live != null && liveRoot != null) {
                    live.submit(livePath(path), path, n, index.mtimeAt(slot), md.value());
                }
            }
        } catch (IOException e) {
            problems.add(snapshotRoot + ": the dump's tar stream broke off after " + files + " files: " + e.getMessage());
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
