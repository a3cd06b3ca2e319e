package org.cfs.backup.browse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.cfs.backup.restore.RestoreFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ls}, {@code find} and {@code diff} against a real restic repository on an rclone remote. */
class BrowseIT {
    @TempDir
    Path tmp;
    Path src;
    RestoreFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        src = tmp.resolve("data");
        Files.createDirectories(src.resolve("many"));
        Files.createDirectories(src.resolve("docs/deep"));
        for (int i = 0; i < 1234; i++) {
            Files.writeString(src.resolve("many/f" + String.format("%05d", i)), "n" + i);
        }
        Files.writeString(src.resolve("docs/notes.txt"), "Grüße\n");
        Files.setPosixFilePermissions(src.resolve("docs/notes.txt"), PosixFilePermissions.fromString("rw-r-----"));
        Files.writeString(src.resolve("docs/deep/x.sql"), "select 1;\n");
        Files.createSymbolicLink(src.resolve("link"), Path.of("docs/notes.txt"));
        fx = new RestoreFixture(tmp.resolve("fx"), """
                - name: data
                  path: %s
                """.formatted(src));
    }

    @Test
    void listsFoldersPageByPageFindsFilesAndDiffsSnapshots() throws Exception {
        String first = fx.initAndBackup("data");

        JsonNode root = fx.ok("ls", "data", "--json").json();
        assertEquals("/", root.get("path").asText());
        List<String> names = new ArrayList<>();
        root.get("entries").forEach(e -> names.add(e.get("name").asText()));
        assertEquals(List.of("docs", "link", "many"), names);
        JsonNode docs = fx.ok("ls", "data", "docs", "--json").json();
        JsonNode notes = docs.get("entries").get(1);
        assertEquals("notes.txt", notes.get("name").asText());
        assertEquals("docs/notes.txt", notes.get("path").asText());
        assertEquals("file", notes.get("type").asText());
        assertEquals(Files.size(src.resolve("docs/notes.txt")), notes.get("size").asLong());
        assertEquals("0640", notes.get("mode").asText());
        assertEquals(Files.getAttribute(src.resolve("docs/notes.txt"), "unix:uid"), notes.get("uid").asInt());
        assertTrue(notes.has("gid") && notes.has("mtime"), notes.toString());

        // paging: 1234 entries in pages of 500, in order, each name once
        List<String> paged = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode p = after == null ? fx.ok("ls", "data", "many", "--limit", "500", "--json").json()
                    : fx.ok("ls", "data", "/many/", "--limit", "500", "--after", after, "--json").json();
            p.get("entries").forEach(e -> paged.add(e.get("name").asText()));
            after = p.get("next").isNull() ? null : p.get("next").asText();
            pages++;
        } while (after != null);
        assertEquals(3, pages);
        assertEquals(1234, paged.size());
        assertEquals("f00000", paged.get(0));
        assertEquals("f01233", paged.get(1233));
        assertEquals(1234, paged.stream().distinct().count());
        // without --limit the whole folder
        assertEquals(1234, fx.ok("ls", "data", "many", "--json").json().get("entries").size());

        // a file's path lists that file; a missing path is a usage error; '..' is refused
        assertEquals(1, fx.ok("ls", "data", "docs/deep/x.sql", "--json").json().get("entries").size());
        RestoreFixture.Run missing = fx.run("ls", "data", "nope");
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.err().contains("no nope in snapshot"), missing.err());
        assertEquals(2, fx.run("ls", "data", "../etc").code());

        // the second snapshot: one file added, one removed, one changed
        Files.writeString(src.resolve("docs/new.txt"), "new");
        Files.delete(src.resolve("many/f00007"));
        Files.writeString(src.resolve("docs/notes.txt"), "changed\n");
        String second = fx.backup("data");
        assertNotEquals(first, second);

        JsonNode d = fx.ok("diff", "data", "--json").json();
        assertTrue(d.get("from").asText().startsWith(first), d.toString());
        assertTrue(d.get("to").asText().startsWith(second), d.toString());
        assertEquals("[\"docs/new.txt\"]", d.get("added").toString());
        assertEquals("[\"many/f00007\"]", d.get("removed").toString());
        assertTrue(d.get("changed").toString().contains("docs/notes.txt"), d.toString());
        assertEquals(d.toString(), fx.ok("diff", "data", first, second, "--json").json().toString());
        RestoreFixture.Run text = fx.ok("diff", "data", first);
        assertTrue(text.out().contains("+ docs/new.txt") && text.out().contains("- many/f00007"), text.out());

        // find: newest first, paths relative to the source's root
        JsonNode f = fx.ok("find", "data", "notes.txt", "--json").json();
        assertEquals(2, f.size(), f.toString());
        assertTrue(second.startsWith(f.get(0).get("short_id").asText()) || f.get(0).get("snapshot_id").asText().startsWith(second), f.toString());
        assertEquals("docs/notes.txt", f.get(0).get("path").asText());
        assertEquals(1, fx.ok("find", "data", "new.txt", "--json").json().size());
        assertEquals(0, fx.ok("find", "data", "absent-*", "--json").json().size());

        // the older snapshot still lists the removed file
        JsonNode old = fx.ok("ls", "data", "many", "--snapshot", first, "--limit", "8", "--json").json();
        assertEquals("f00007", old.get("entries").get(7).get("name").asText());
    }
}
