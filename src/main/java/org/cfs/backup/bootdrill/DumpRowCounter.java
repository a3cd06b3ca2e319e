package org.cfs.backup.bootdrill;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.charset.StandardCharsets;

import org.cfs.backup.process.ObservedInputStream;
import org.cfs.backup.process.StreamTail;

/**
 * Counts, while a MariaDB dump streams past, the databases and tables it creates and the rows each
 * table's {@code INSERT}s carry (extended inserts: one tuple per row, strings and quoted names
 * skipped). Memory stays flat: only a line's first bytes are kept, never a whole INSERT.
 */
final class DumpRowCounter implements ObservedInputStream.Observer {
    private static final int HEAD = 512;

    /** Rows per "db.table", in the dump's order; tables created with no INSERT count 0. */
    final Map<String, Long> rows = new LinkedHashMap<>();
    /** Databases created or used by the dump, in its order. */
    final java.util.Set<String> databases = new java.util.LinkedHashSet<>();
    private final StreamTail tail = new StreamTail(64);

    private String db;
    private final StringBuilder head = new StringBuilder();
    /** In an INSERT (or REPLACE) statement, which runs over lines until its ';'. */
    private boolean inInsert;
    private StringBuilder name;
    private String key;
    private boolean sawValues;
    private final StringBuilder keyword = new StringBuilder();
    private char quote;
    private boolean escape;
    private int depth;

    /** {@code in}, counted by this as it is read. */
    InputStream watch(InputStream in) {
        return new ObservedInputStream(in, this);
    }

    /** The bytes that passed. */
    long bytes() {
        return tail.count();
    }

    /** The dump's last bytes (for its "-- Dump completed" trailer). */
    String tail() {
        return tail.text();
    }

    @Override
    public void seen(byte[] b, int off, int n) {
        tail.seen(b, off, n);
        for (int i = off; i < off + n; i++) {
            char c = (char) (b[i] & 0xff);
            if (inInsert) {
                insert(c);
                continue;
            }
            if (c == '\n') {
                line(head.toString());
                head.setLength(0);
                continue;
            }
            if (head.length() < HEAD) {
                head.append(c);
                if ((head.length() == 7 && head.toString().equals("INSERT ")) || (head.length() == 8
                        && head.toString().equals("REPLACE "))) {
                    head.setLength(0);
                    head.append('\0'); // the rest of this line is the statement's
                    startInsert();
                }
            }
        }
    }

    private void startInsert() {
        inInsert = true;
        name = null;
        key = null;
        sawValues = false;
        keyword.setLength(0);
        quote = 0;
        escape = false;
        depth = 0;
    }

    /** One byte of an INSERT statement: its table's name, then one row per top-level tuple after VALUES. */
    private void insert(char c) {
        if (quote != 0) {
            if (escape) {
                escape = false;
            } else if (c == '\\' && quote == '\'') {
                escape = true;
            } else if (c == quote) {
                quote = 0;
                if (name != null && key == null) {
                    String t = new String(name.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                    key = (db == null ? "" : db) + "." + t;
                    rows.putIfAbsent(key, 0L);
                }
            } else if (name != null && key == null) {
                name.append(c);
            }
            return;
        }
        if (c == '\'' || c == '`' || c == '"') {
            quote = c;
            if (c == '`' && key == null && name == null) {
                name = new StringBuilder();
            }
            return;
        }
        if (c == ';' && depth == 0) {
            inInsert = false;
            return;
        }
        if (!sawValues) {
            keyword.append(Character.toUpperCase(c));
            if (keyword.length() > 7) {
                keyword.deleteCharAt(0);
            }
            String k = keyword.toString();
            if (k.endsWith("VALUES") && (k.length() < 7 || !Character.isLetterOrDigit(k.charAt(0)))) {
                sawValues = key != null;
            }
            return;
        }
        if (c == '(') {
            if (depth == 0) {
                rows.merge(key, 1L, Long::sum);
            }
            depth++;
        } else if (c == ')') {
            depth = Math.max(0, depth - 1);
        }
    }

    /** A whole short line: USE, CREATE DATABASE, CREATE TABLE, or a short INSERT. */
    private void line(String l) {
        if (l.startsWith("USE `")) {
            db = firstName(l);
            if (db != null) {
                databases.add(db);
            }
        } else if (l.startsWith("CREATE DATABASE")) {
            String d = firstName(l);
            if (d != null) {
                databases.add(d);
            }
        } else if (l.startsWith("CREATE TABLE `") && db != null) {
            String t = firstName(l);
            if (t != null) {
                rows.putIfAbsent(db + "." + t, 0L);
            }
        }
    }

    /** The first back-quoted name of a line ({@code ``} inside stands for one back quote). */
    static String firstName(String l) {
        int s = l.indexOf('`');
        if (s < 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = s + 1; i < l.length(); i++) {
            char c = l.charAt(i);
            if (c == '`') {
                if (i + 1 < l.length() && l.charAt(i + 1) == '`') {
                    sb.append('`');
                    i++;
                } else {
                    // the line was read byte by byte (ISO-8859-1); names are UTF-8
                    return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                }
            } else {
                sb.append(c);
            }
        }
        return null;
    }
}
