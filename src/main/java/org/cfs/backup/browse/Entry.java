package org.cfs.backup.browse;

import java.time.Instant;

import org.cfs.backup.restic.Restic;

/**
 * One node of a snapshot as the console and {@code ls --json} show it.
 *
 * @param path relative to the source's root ("" is the root itself)
 * @param mode the permission bits in octal, like {@code 0644}
 */
public record Entry(String name, String path, String type, long size, String mode, long uid, long gid, Instant mtime,
                    String linktarget) {

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDirLike() {
        return "dir".equals(type);
    }

    static Entry of(Restic.LsNode n, String relPath) {
        return new Entry(n.name(), relPath, n.type(), n.isFile() ? n.size() : 0, mode(n.mode()), n.uid(), n.gid(),
                n.mtime(), n.linktarget());
    }

    /** Go's os.FileMode keeps the permission bits low and the type bits high: the low 12 bits, as Unix has them. */
    static String mode(long goMode) {
        long perm = goMode & 0777;
        if ((goMode & (1L << 23)) != 0) {
            perm |= 04000; // setuid
        }
        if ((goMode & (1L << 22)) != 0) {
            perm |= 02000; // setgid
        }
        if ((goMode & (1L << 20)) != 0) {
            perm |= 01000; // sticky
        }
        return String.format("%04o", perm);
    }
}
