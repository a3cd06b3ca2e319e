package org.cfs.backup.restore;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** File-tree steps of a restore: moving children by rename, copying a folder's own metadata, deleting, counting. */
final class FileTrees {
    private FileTrees() {
    }

    /** The children of a folder, except the names given (staging folders). */
    static List<Path> children(Path dir, String... except) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                for (String e : except) {
                    if (n.equals(e)) {
                        return;
                    }
                }
                out.add(p);
            });
        }
        return out;
    }

    /** Moves every child of {@code from} into {@code to} by rename (same filesystem: links and owners stay). */
    static void moveChildren(Path from, Path to, String... except) throws IOException {
        for (Path c : children(from, except)) {
            Files.move(c, to.resolve(c.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** A folder's own owner, group, permissions and mtime, read before its children move out. */
    record Meta(Object uid, Object gid, java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions,
                FileTime mtime) {
    }

    static Meta readMeta(Path model) throws IOException {
        Map<String, Object> unix = Files.readAttributes(model, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes posix = Files.readAttributes(model, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new Meta(unix.get("uid"), unix.get("gid"), posix.permissions(), posix.lastModifiedTime());
    }

    /** Gives {@code dir} the metadata read from the model; call it after the last change inside {@code dir}. */
    static void applyMeta(Meta m, Path dir) throws IOException {
        Files.setAttribute(dir, "unix:uid", m.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(dir, "unix:gid", m.gid(), LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView v = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        v.setPermissions(m.permissions());
        v.setTimes(m.mtime(), null, null);
    }

    /** Deletes a tree ({@link org.cfs.backup.state.Trees#delete}). */
    static void deleteTree(Path root) throws IOException {
        org.cfs.backup.state.Trees.delete(root);
    }

    /** Regular files and their bytes below a folder (hard links count once per name, like restic's listing). */
    static long[] countFiles(Path root) throws IOException {
        long[] fb = new long[2];
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return fb;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    fb[0]++;
                    fb[1] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return fb;
    }
}
