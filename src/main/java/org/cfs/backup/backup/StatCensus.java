package org.cfs.backup.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A stat-only fingerprint of a tree (every entry's path, type, size, mode, owner, inode, link count,
 * mtime and ctime, read in sorted order into one digest), never a byte of file contents: two equal
 * censuses, the first of a tree that had not changed for a while before it, prove that nothing was
 * written between them, so a quiesced second pass would read what the first pass read.
 *
 * <p>Why ctime: a program can set a file's mtime, never its ctime, which the kernel moves to "now"
 * on every write, truncate, rename, chmod, chown, link or xattr change, with nanoseconds on ext4, xfs
 * and btrfs. Its clock is coarse (a few ms), so a write within the same tick as an earlier one can
 * leave ctime as it was: hence the quiet margin, no entry changed in the last {@link #quietMarginSeconds}
 * before the first census. A write through a shared mmap moves ctime only when the page is written to
 * after the kernel wrote it back (dirty_expire + dirty_writeback, 35 s by default), which the margin
 * covers too; tmpfs never writes back, so only filesystems that do are trusted.
 */
public final class StatCensus {
    /** Filesystems whose ctime moves on every change, mmap writes included (they write dirty pages back). */
    static final Set<String> TRUSTED_FILESYSTEMS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs");

    /** The fingerprint of one walk. */
    public record Print(byte[] digest, long entries, long newestChangeNanos, long takenAtNanos, double seconds) {
        /** True when both walks read the same entries with the same metadata. */
        public boolean sameAs(Print other) {
            return other != null && entries == other.entries && Arrays.equals(digest, other.digest);
        }

        /** True when no entry changed within {@code marginS} seconds before this census was taken. */
        public boolean quietFor(long marginS) {
            return newestChangeNanos < takenAtNanos - TimeUnit.SECONDS.toNanos(marginS);
        }
    }

    private StatCensus() {
    }

    /**
     * Walks the roots, sorted per directory, without following links. Null when the census cannot
     * prove anything: a root on another filesystem than a trusted one, an entry on another device
     * (a mount inside the tree), an entry that vanished or could not be read while walking (the tree
     * is changing), or a walk longer than {@code budgetSeconds} (then the second census would cost
     * the downtime more than the quiesced pass it could save).
     */
    public static Print take(List<Path> roots, double budgetSeconds) {
        long t0 = System.nanoTime();
        long takenAt = nowNanos();
        long deadline = t0 + (long) (budgetSeconds * 1e9);
        Walk w = new Walk(deadline);
        try {
            for (Path root : roots) {
                FileStore store = Files.getFileStore(root);
                if (!TRUSTED_FILESYSTEMS.contains(store.type())) {
                    return null;
                }
                w.device = null;
                w.entry(root, root.toString());
            }
        } catch (IOException | CensusAbandoned e) {
            return null;
        }
        return new Print(w.digest.digest(), w.entries, w.newest, takenAt, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The quiet margin: twice what the kernel may take to write a dirty page back (dirty_expire +
     * dirty_writeback), at least 60 s; {@code CFS_BACKUP_CENSUS_QUIET_S} overrides it (tests).
     */
    public static long quietMarginSeconds() {
        return quietMarginSeconds(System.getenv("CFS_BACKUP_CENSUS_QUIET_S"), sysctl("dirty_expire_centisecs", 3000),
                sysctl("dirty_writeback_centisecs", 500));
    }

    static long quietMarginSeconds(String override, long expireCentis, long writebackCentis) {
        if (override != null && !override.isBlank()) {
            try {
                return Math.max(0, Long.parseLong(override.strip()));
            } catch (NumberFormatException e) {
                // the default below
            }
        }
        return Math.max(60, 2 * (expireCentis + writebackCentis) / 100);
    }

    private static long sysctl(String name, long otherwise) {
        try {
            return Long.parseLong(Files.readString(Path.of("/proc/sys/vm", name)).strip());
        } catch (IOException | NumberFormatException e) {
            return otherwise;
        }
    }

    private static long nowNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Thrown inside the walk when the census cannot prove anything. */
    private static final class CensusAbandoned extends RuntimeException {
        CensusAbandoned() {
            super(null, null, false, false);
        }
    }

    /** One walk's digest and counters. */
    private static final class Walk {
        private static final String ATTRS = "unix:size,lastModifiedTime,ctime,ino,dev,mode,uid,gid,nlink";
        final MessageDigest digest;
        final long deadline;
        Object device;
        long entries;
        long newest = Long.MIN_VALUE;

        Walk(long deadline) {
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            this.deadline = deadline;
        }

        void entry(Path p, String name) throws IOException {
            if (System.nanoTime() > deadline) {
                throw new CensusAbandoned();
            }
            Map<String, Object> a = Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS);
            Object dev = a.get("dev");
            if (device == null) {
                device = dev;
            } else if (!device.equals(dev)) {
                throw new CensusAbandoned(); // a mount inside the tree: its filesystem is not checked
            }
            long ctime = ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS);
            long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
            newest = Math.max(newest, ctime);
            entries++;
            int mode = (Integer) a.get("mode");
            String line = name + '\0' + mode + ' ' + a.get("size") + ' ' + mtime + ' ' + ctime + ' ' + a.get("ino")
                    + ' ' + a.get("uid") + ' ' + a.get("gid") + ' ' + a.get("nlink") + '\n';
            digest.update(line.getBytes(StandardCharsets.UTF_8));
            if ((mode & 0170000) == 0040000) { // a directory (never a link to one: not followed)
                List<Path> children = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                    for (Path c : ds) {
                        children.add(c);
                    }
                }
                children.sort((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()));
                for (Path c : children) {
                    entry(c, c.getFileName().toString());
                }
                digest.update((byte) '\n'); // the end of the directory: no two trees digest alike
            }
        }
    }
}
