package org.cfs.backup.restore;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * restic's {@code --exclude} matching (internal/filter in restic 0.14), so that an in-place restore
 * can tell which live paths a backup never saw: a pattern is split at '/'; a pattern that starts
 * with '/' must match from the root, any other matches a run of consecutive path components
 * anywhere (so a matched folder's contents match too); '**' stands for any number of components;
 * within a component '*', '?', '[...]' and '\' as in Go's filepath.Match.
 */
public final class ExcludeMatcher {
    private final List<List<Part>> patterns = new ArrayList<>();

    /** One component of a pattern: plain text, a Go glob, or '**'. */
    private record Part(String text, Pattern glob, boolean doubleStar) {
        boolean matches(String component) {
            return glob == null ? text.equals(component) : glob.matcher(component).matches();
        }
    }

    public ExcludeMatcher(List<String> excludes) {
        for (String e : excludes == null ? List.<String>of() : excludes) {
            if (e == null || e.isBlank() || e.startsWith("!")) {
                continue; // negations re-include; keeping less than restic excluded is the safe side
            }
            patterns.add(parse(e));
        }
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** True when restic would exclude this absolute path (or a folder holding it). */
    public boolean matches(String absolutePath) {
        if (patterns.isEmpty()) {
            return false;
        }
        List<String> strs = split(absolutePath);
        for (List<Part> p : patterns) {
            if (match(p, strs)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> split(String path) {
        String p = clean(path);
        List<String> parts = new ArrayList<>(List.of(p.split("/", -1)));
        if (!parts.isEmpty() && parts.get(0).isEmpty()) {
            parts.set(0, "/");
        }
        return parts;
    }

    /** Go's filepath.Clean, enough for patterns and paths: no empty, "." components, no trailing '/'. */
    private static String clean(String p) {
        boolean rooted = p.startsWith("/");
        List<String> out = new ArrayList<>();
        for (String c : p.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..") && !out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                out.remove(out.size() - 1);
                continue;
            }
            out.add(c);
        }
        String j = String.join("/", out);
        return rooted ? "/" + j : j.isEmpty() ? "." : j;
    }

    private static List<Part> parse(String pattern) {
        List<Part> parts = new ArrayList<>();
        for (String c : split(pattern)) {
            if (c.equals("**")) {
                parts.add(new Part(c, null, true));
            } else if (c.equals("/") || !(c.contains("*") || c.contains("?") || c.contains("[") || c.contains("\\"))) {
                parts.add(new Part(c, null, false));
            } else {
                parts.add(new Part(c, Pattern.compile(globToRegex(c), Pattern.DOTALL), false));
            }
        }
        return parts;
    }

    /** One component of Go's filepath.Match syntax as a Java regex. */
    static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            switch (ch) {
                case '*' -> re.append("[^/]*");
                case '?' -> re.append("[^/]");
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    }
                }
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        re.append("\\[");
                        break;
                    }
                    String body = glob.substring(i + 1, end);
                    boolean negate = body.startsWith("^");
                    if (negate) {
                        body = body.substring(1);
                    }
                    StringBuilder cls = new StringBuilder("[").append(negate ? "^/" : "");
                    for (int k = 0; k < body.length(); k++) {
                        char b = body.charAt(k);
                        if (b == '\\' && k + 1 < body.length()) {
                            b = body.charAt(++k);
                        }
                        if (b == '-' && k > 0 && k < body.length() - 1) {
                            cls.append('-');
                        } else {
                            cls.append(b == ']' || b == '[' || b == '^' || b == '\\' || b == '&' || b == '-' ? "\\" + b : String.valueOf(b));
                        }
                    }
                    re.append(cls).append(']');
                    i = end;
                }
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return re.toString();
    }

    /** restic's filter.match: '**' expanded into 0..n single wildcards, then a window of components. */
    private static boolean match(List<Part> pattern, List<String> strs) {
        int pos = -1;
        for (int i = 0; i < pattern.size(); i++) {
            if (pattern.get(i).doubleStar()) {
                pos = i;
                break;
            }
        }
        if (pos >= 0) {
            Part star = new Part("*", Pattern.compile("[^/]*", Pattern.DOTALL), false);
            for (int i = 0; i <= strs.size() - pattern.size() + 1; i++) {
                List<Part> expanded = new ArrayList<>(pattern.subList(0, pos));
                for (int k = 0; k < i; k++) {
                    expanded.add(star);
                }
                expanded.addAll(pattern.subList(pos + 1, pattern.size()));
                if (match(expanded, strs)) {
                    return true;
                }
            }
            return false;
        }
        if (pattern.isEmpty()) {
            return strs.isEmpty();
        }
        if (pattern.size() > strs.size()) {
            return false;
        }
        int minOffset = 0;
        int maxOffset = strs.size() - pattern.size();
        if (pattern.get(0).text().equals("/") && pattern.get(0).glob() == null) {
            maxOffset = 0;
        } else if (strs.get(0).equals("/")) {
            minOffset = 1;
        }
        outer:
        for (int offset = maxOffset; offset >= minOffset; offset--) {
            for (int i = pattern.size() - 1; i >= 0; i--) {
                if (!pattern.get(i).matches(strs.get(offset + i))) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
