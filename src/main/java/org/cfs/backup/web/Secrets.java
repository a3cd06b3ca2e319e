package org.cfs.backup.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cfs.backup.config.AlertConfig;
import org.cfs.backup.config.Config;

/**
 * The secret strings this installation knows (password files' contents, alert URLs that carry
 * tokens): a last guard that replaces any of them with {@code <hidden>} before an answer leaves.
 */
final class Secrets {
    static final String HIDDEN = "<hidden>";
    private final List<String> values;

    private Secrets(List<String> values) {
        this.values = values;
    }

    static Secrets of(Config c) {
        List<String> v = new ArrayList<>();
        file(v, c.repository().passwordFile());
        file(v, c.rclone().configPasswordFile());
        if (c.web() != null) {
            file(v, c.web().passwordFile());
        }
        for (AlertConfig a : c.alerts() == null ? List.<AlertConfig>of() : c.alerts()) {
            add(v, a.healthchecks());
            add(v, a.webhook());
            add(v, a.ntfy());
            if (a.email() != null) {
                file(v, a.email().passwordFile());
            }
        }
        return new Secrets(List.copyOf(v));
    }

    private static void file(List<String> v, String path) {
        if (path == null) {
            return;
        }
        try {
            add(v, Files.readString(Path.of(path)).strip());
        } catch (IOException | RuntimeException e) {
            // unreadable here: then it cannot leak from here either
        }
    }

    private static void add(List<String> v, String s) {
        // very short values would blank out ordinary words
        if (s != null && s.strip().length() >= 6) {
            v.add(s.strip());
        }
    }

    String redact(String text) {
        String t = text;
        for (String s : values) {
            if (t.contains(s)) {
                t = t.replace(s, HIDDEN);
            }
        }
        return t;
    }
}
