package org.cfs.backup.restore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** restic 0.14's exclude semantics (internal/filter), as the restore relies on them to know what was never saved. */
class ExcludeMatcherTest {
    static boolean m(String pattern, String path) {
        return new ExcludeMatcher(List.of(pattern)).matches(path);
    }

    @Test
    void relativePatternsMatchAnywhereAndTheirContentsToo() {
        String home = "/opt/antigravity/data/kasm-profile-persistent";
        assertTrue(m(".cache/google-chrome/*/Cache", home + "/.cache/google-chrome/Default/Cache"));
        assertTrue(m(".cache/google-chrome/*/Cache", home + "/.cache/google-chrome/Default/Cache/data_1"));
        assertFalse(m(".cache/google-chrome/*/Cache", home + "/.cache/google-chrome/Default"));
        assertFalse(m(".cache/google-chrome/*/Cache", home + "/.cache/google-chrome/Default/Code Cache"));
        assertFalse(m(".cache/google-chrome/*/Cache", home + "/.cache/google-chrome/a/b/Cache"));
        assertTrue(m("*.tmp", "/x/y/z.tmp"));
        assertTrue(m("*.tmp", "/x/y.tmp/inside"));
        assertFalse(m("*.tmp", "/x/y.tmpx"));
        assertTrue(m("node_modules", "/w/p/node_modules/a/b.js"));
        assertFalse(m("node_modules", "/w/p/node_modules2"));
    }

    @Test
    void absolutePatternsMatchFromTheRoot() {
        assertTrue(m("/data/cache", "/data/cache"));
        assertTrue(m("/data/cache", "/data/cache/x"));
        assertFalse(m("/data/cache", "/other/data/cache"));
        assertTrue(m("/data/*/logs", "/data/app/logs/today"));
    }

    @Test
    void doubleStarIsAnyNumberOfFolders() {
        assertTrue(m("/data/**/Cache", "/data/Cache"));
        assertTrue(m("/data/**/Cache", "/data/a/b/c/Cache"));
        assertTrue(m("**/Cache", "/deep/er/Cache/x"));
        assertFalse(m("/data/**/Cache", "/elsewhere/a/Cache"));
    }

    @Test
    void globClassesAndEscapes() {
        assertTrue(m("log[0-9]", "/a/log7"));
        assertFalse(m("log[0-9]", "/a/logx"));
        assertTrue(m("log[^0-9]", "/a/logx"));
        assertTrue(m("a\\*b", "/a*b"));
        assertFalse(m("a\\*b", "/axb"));
        assertTrue(m("?.txt", "/d/1.txt"));
        assertFalse(m("?.txt", "/d/12.txt"));
        assertTrue(m("caché", "/d/caché/x"));
        assertFalse(new ExcludeMatcher(List.of()).matches("/anything"));
    }
}
