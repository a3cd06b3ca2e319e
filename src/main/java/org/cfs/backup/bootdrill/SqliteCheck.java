package org.cfs.backup.bootdrill;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.cfs.backup.process.CancelledException;
import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;

/**
 * Finds every SQLite database in a restored tree by its 16-byte header (not its name) and runs
 * {@code PRAGMA integrity_check} on it with Debian's {@code sqlite3}. A file copied mid-write
 * fails here and is named. The check may roll back a hot journal or fold a WAL into the scratch
 * copy, as the app itself would on start; side files it leaves are removed.
 */
public final class SqliteCheck {
    /** "SQLite format 3\0": the first 16 bytes of every SQLite 3 database file. */
    static final byte[] HEADER = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final List<String> SIDE_FILES = List.of("-journal", "-wal", "-shm");

    private final String sqlite3;
    private final ProcessRunner runner;

    public SqliteCheck(String sqlite3, ProcessRunner runner) {
        this.sqlite3 = sqlite3;
        this.runner = runner;
    }

    /** The outcome: databases checked and the problems (each naming the file by {@code name}). */
    public record Result(int checked, List<String> problems) {
    }

    /** True when the program can be run: a path to an executable, or a name found on PATH. */
    public static boolean available(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        String path = System.getenv("PATH");
        for (String d : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    public static boolean hasHeader(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return isHeader(in.readNBytes(HEADER.length));
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean isHeader(byte[] first16) {
        return first16.length >= HEADER.length && Arrays.equals(first16, 0, HEADER.length, HEADER, 0, HEADER.length);
    }

    /** Checks every database under root; {@code name} turns a restored file into the name reported. */
    public Result checkTree(Path root, Function<Path, String> name) throws IOException {
        List<Path> dbs = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && attrs.size() >= 512 && hasHeader(f)) {
                    dbs.add(f);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        List<String> problems = new ArrayList<>();
        for (Path db : dbs) {
            String p = check(db);
            if (p != null) {
                problems.add(name.apply(db) + ": SQLite database fails PRAGMA integrity_check: " + p);
            }
        }
        return new Result(dbs.size(), problems);
    }

    /** @return null when the database is sound, else the first line of what sqlite3 said */
    public String check(Path db) {
        List<Path> sideBefore = new ArrayList<>();
        for (String s : SIDE_FILES) {
            Path side = db.resolveSibling(db.getFileName() + s);
            if (Files.exists(side, LinkOption.NOFOLLOW_LINKS)) {
                sideBefore.add(side);
            }
        }
        ProcessResult r;
        try {
            // memory-mapped reads and a 64 MiB page cache: the check of a 100 MiB database takes a
            // tenth of a second instead of a second (mmap_size echoes its value: not to stdout)
            r = runner.run(ProcessSpec.of(sqlite3, "-batch", "-bail", "-cmd", ".output /dev/null",
                    "-cmd", "PRAGMA mmap_size=1073741824;", "-cmd", ".output stdout", db.toString(),
                    "PRAGMA cache_size=-65536; PRAGMA integrity_check;").timeout(Duration.ofMinutes(30)).build());
        } finally {
            for (String s : SIDE_FILES) {
                Path side = db.resolveSibling(db.getFileName() + s);
                if (!sideBefore.contains(side)) {
                    try {
                        Files.deleteIfExists(side);
                    } catch (IOException e) {
                        // a side file of the scratch copy: removed with the copy
                    }
                }
            }
        }
        if (r.cancelled()) {
            throw new CancelledException();
        }
        String out = r.stdout() == null ? "" : r.stdout().strip();
        if (r.ok() && out.equals("ok")) {
            return null;
        }
        String text = !out.isEmpty() ? out : r.stderrTail().strip();
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("*** in database"))
                .toList();
        String first = lines.isEmpty() ? "" : lines.get(0);
        long more = Math.max(0, lines.size() - 1);
        return (first.isEmpty() ? "sqlite3 exit " + r.exitCode() : first) + (more > 0 ? " (+" + more + " more lines)" : "");
    }
}
