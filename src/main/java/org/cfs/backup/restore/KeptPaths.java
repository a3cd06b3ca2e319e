package org.cfs.backup.restore;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paths of an in-place restore that no backup saved (the source's {@code exclude}): found in
 * the live folder, dropped from the staged snapshot tree, and moved back by rename after the swap.
 * Every folder touched on the way gets its owner, mode and mtime back afterwards.
 */
final class KeptPaths {
    private KeptPaths() {
    }

    /**
     * The relative paths below {@code dir} that the excludes match (matched as {@code liveRoot/rel}),
     * not descending into a match; the names given are skipped at the top.
     */
    static List<String> find(Path dir, Path liveRoot, ExcludeMatcher keep, String... exceptTop) throws IOException {
        List<String> out = new ArrayList<>();
        walk(dir, "", liveRoot, keep, out, exceptTop);
        return out;
    }

    private static void walk(Path dir, String rel, Path liveRoot, ExcludeMatcher keep, List<String> out,
                             String... exceptTop) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(children::add);
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path c : children) {
            String name = c.getFileName().toString();
            if (rel.isEmpty() && List.of(exceptTop).contains(name)) {
                continue;
            }
            String r = rel.isEmpty() ? name : rel + "/" + name;
            if (keep.matches(liveRoot.toString() + "/" + r)) {
                out.add(r);
            } else if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
                walk(c, r, liveRoot, keep, out);
            }
        }
    }

    /** Removes from the staged tree what the excludes match (the snapshot's copy of a path now excluded). */
    static void drop(Path staged, Path liveRoot, ExcludeMatcher keep) throws IOException {
        List<String> matched = find(staged, liveRoot, keep);
        Map<Path, FileTrees.Meta> parents = parentMetas(staged, matched);
        for (String r : matched) {
            FileTrees.deleteTree(staged.resolve(r));
        }
        restore(parents);
    }

    /** Moves each kept path from the old contents into the live folder, making missing folders like the old ones. */
    static void move(Path old, Path live, List<String> kept) throws IOException {
        if (kept.isEmpty()) {
            return;
        }
        Map<Path, FileTrees.Meta> metas = new LinkedHashMap<>();
        for (String r : kept) {
            Path dest = live.resolve(r);
            // the folders on the way: as restored (from the snapshot), or made like the old ones
            for (Path p = dest.getParent(); p != null && !p.equals(live) && p.startsWith(live); p = p.getParent()) {
                if (metas.containsKey(p)) {
                    continue;
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    metas.put(p, FileTrees.readMeta(p));
                } else {
                    Path model = old.resolve(live.relativize(p));
                    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                        // the snapshot has a file where the live folder had a folder of excluded things
                        FileTrees.deleteTree(p);
                    }
                    metas.put(p, FileTrees.readMeta(model));
                }
            }
        }
        for (String r : kept) {
            Path dest = live.resolve(r);
            Files.createDirectories(dest.getParent());
            FileTrees.deleteTree(dest); // a snapshot entry at an excluded path was dropped already; be sure
            Files.move(old.resolve(r), dest, StandardCopyOption.ATOMIC_MOVE);
        }
        restore(metas);
    }

    /** Roll-back: kept paths that went back to the staged tree with the new contents return to the old ones. */
    static void reclaim(Path staged, Path old, List<String> kept) throws IOException {
        if (kept == null) {
            return;
        }
        for (String r : kept) {
            Path from = staged.resolve(r);
            Path to = old.resolve(r);
            if (Files.exists(from, LinkOption.NOFOLLOW_LINKS) && !Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(to.getParent());
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private static Map<Path, FileTrees.Meta> parentMetas(Path root, List<String> rels) throws IOException {
        Map<Path, FileTrees.Meta> metas = new LinkedHashMap<>();
        for (String r : rels) {
            for (Path p = root.resolve(r).getParent(); p != null && p.startsWith(root); p = p.getParent()) {
                if (!metas.containsKey(p)) {
                    metas.put(p, FileTrees.readMeta(p));
                }
            }
        }
        return metas;
    }

    /** Applies the metas deepest first (setting a folder's mtime last, after every change inside it). */
    private static void restore(Map<Path, FileTrees.Meta> metas) throws IOException {
        List<Path> order = new ArrayList<>(metas.keySet());
        order.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : order) {
            FileTrees.applyMeta(metas.get(p), p);
        }
    }
}
