package org.cfs.backup.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Scans the workspaces ({@code audit.workspaces}) recursively for scripts that raise their own
 * container's privileges or change the Docker daemon (the host's "logic monitor" rule). Reads
 * shell scripts, Dockerfiles, compose files, Makefiles, and Python/JavaScript that shell out;
 * comments and documentation are not read. Each finding names the file and the 1-based line.
 */
public final class WorkspaceScanner {
    /** Files larger than this are not scripts anyone reviews by hand; skipped to keep the audit fast. */
    static final long MAX_BYTES = 2L * 1024 * 1024;
    /** Dependency trees and VCS data: not the workspace's own scripts, and often huge. */
    static final Set<String> SKIPPED_DIRS = Set.of(".git", ".hg", ".svn", "node_modules", ".venv", "venv",
            "__pycache__", ".tox", ".mypy_cache", ".cache");

    private int filesRead;

    /** Findings of every workspace; a missing or unreadable workspace is an {@code audit-incomplete} warning. */
    public List<Finding> scan(List<Path> workspaces) {
        List<Finding> out = new ArrayList<>();
        for (Path ws : workspaces) {
            if (!Files.isDirectory(ws)) {
                out.add(Finding.of(Finding.INCOMPLETE, Severity.WARNING, ws.toString(),
                        "workspace is not a readable folder: its scripts were not checked"));
                continue;
            }
            try {
                Files.walkFileTree(ws, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return !dir.equals(ws) && SKIPPED_DIRS.contains(String.valueOf(dir.getFileName()))
                                ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && attrs.size() > 0 && attrs.size() <= MAX_BYTES) {
                            out.addAll(scanFile(file));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        // an unreadable corner must not stop the rest of the scan
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                out.add(Finding.of(Finding.INCOMPLETE, Severity.WARNING, ws.toString(),
                        "workspace scan stopped: " + e.getMessage()));
            }
        }
        return out;
    }

    /** How many script files the last {@link #scan} read. */
    public int filesRead() {
        return filesRead;
    }

    /** The findings of one file (none when it is not a script kind the scanner reads). */
    public List<Finding> scanFile(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        ScriptKind kind = ScriptKind.of(String.valueOf(file.getFileName()), null);
        byte[] bytes;
        try {
            if (kind == null) {
                String name = String.valueOf(file.getFileName());
                if (name.lastIndexOf('.') > 0) {
                    // an unknown extension (images, archives, data): never a script, not even opened
                    return List.of();
                }
                // only a shebang can make an extension-less file a script: read its start, not the whole file
                String first = firstLine(file);
                kind = ScriptKind.of(String.valueOf(file.getFileName()), first);
                if (kind == null) {
                    return List.of();
                }
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return List.of();
        }
        if (looksBinary(bytes)) {
            return List.of();
        }
        filesRead++;
        List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1));
        return scanText(file.toString(), kind, lines);
    }

    static List<Finding> scanText(String file, ScriptKind kind, List<String> lines) {
        List<String> code = CodeLines.of(kind, lines);
        if (kind.needsShellOut() && code.stream().noneMatch(c -> ScriptRules.shellsOut(kind, c))) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < code.size(); i++) {
            for (ScriptRules.Hit h : ScriptRules.check(kind, code.get(i))) {
                out.add(Finding.atLine(h.rule(), Severity.CRITICAL, file, i + 1, kind.label() + " " + h.detail()));
            }
        }
        return out;
    }

    private static String firstLine(Path file) throws IOException {
        byte[] head = new byte[256];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String s = new String(head, 0, n, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static boolean looksBinary(byte[] bytes) {
        int n = Math.min(bytes.length, 8192);
        for (int i = 0; i < n; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
