package org.cfs.backup.restore;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cfs.backup.restic.Restic;

/**
 * What an in-place restore would change: the snapshot's listing under one of its paths against
 * the live folder. Added = in the snapshot only, removed = live only, changed = type, size, mtime,
 * mode, owner or link target differ (a folder's mtime alone does not count).
 */
final class TreeDiff {
    final List<String> added = new ArrayList<>();
    final List<String> changed = new ArrayList<>();
    final List<String> removed = new ArrayList<>();

    /** What a dry run needs of a listed node (about a third of a parsed {@link Restic.LsNode}). */
    record Node(String type, long uid, long gid, long mode, long size, long mtimeNanos, String linktarget) {
        static Node of(Restic.LsNode n) {
            return new Node(n.type().intern(), n.uid(), n.gid(), n.mode(), n.size(), n.mtimeNanos(), n.linktarget());
        }
    }

    /** Compares one snapshot path with its live folder; names are relative to the source's root. */
    void compare(Restic restic, String snapshotId, String snapRoot, Path live, String prefix) throws IOException {
        Map<String, Node> snap = new HashMap<>();
        String rootSlash = snapRoot.endsWith("/") ? snapRoot : snapRoot + "/";
        restic.ls(snapshotId, List.of(snapRoot), n -> {
            if (n.path().startsWith(rootSlash)) {
                snap.put(n.path().substring(rootSlash.length()), Node.of(n));
            }
        });
        if (Files.isDirectory(live, LinkOption.NOFOLLOW_LINKS)) {
            Files.walkFileTree(live, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (dir.equals(live)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String name = dir.getFileName().toString();
                    if (dir.getParent().equals(live) && (name.equals(TreeSwap.NEW) || name.equals(TreeSwap.OLD))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    visit(dir, attrs);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    visit(file, attrs);
                    return FileVisitResult.CONTINUE;
                }

                private void visit(Path p, BasicFileAttributes attrs) throws IOException {
                    String rel = live.relativize(p).toString();
                    Node n = snap.remove(rel);
                    if (n == null) {
                        removed.add(prefix + rel);
                    } else if (differs(n, p, attrs)) {
                        changed.add(prefix + rel);
                    }
                }
            });
        }
        for (String rel : snap.keySet()) {
            added.add(prefix + rel);
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

    static List<String> cap(List<String> l, int max) {
        return l.size() <= max ? l : l.subList(0, max);
    }
}
