package org.cfs.backup.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a script's lines into the code the scanner looks at: comments blanked out (so a comment
 * that mentions {@code --privileged} is not a finding), Python docstrings and JavaScript block
 * comments dropped. Line numbers are kept: the result has one entry per input line.
 */
final class CodeLines {
    private CodeLines() {
    }

    static List<String> of(ScriptKind kind, List<String> lines) {
        return switch (kind) {
            case JAVASCRIPT -> javascript(lines);
            case PYTHON -> python(lines);
            default -> hashComments(lines);
        };
    }

    /** Shell, Dockerfile, compose, Makefile: '#' outside quotes, at line start or after a blank, starts a comment. */
    private static List<String> hashComments(List<String> lines) {
        List<String> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            out.add(stripHash(l, false));
        }
        return out;
    }

    /** @param anywhere Python: '#' outside a string always starts a comment, not only after a blank */
    static String stripHash(String l, boolean anywhere) {
        char quote = 0;
        for (int i = 0; i < l.length(); i++) {
            char c = l.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\\' && !anywhere) {
                i++;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (anywhere || i == 0 || Character.isWhitespace(l.charAt(i - 1)))) {
                return l.substring(0, i);
            }
        }
        return l;
    }

    /** Python: '#' comments, and docstrings (a triple-quoted string that is a statement of its own). */
    private static List<String> python(List<String> lines) {
        List<String> out = new ArrayList<>(lines.size());
        String inDoc = null;
        for (String l : lines) {
            String t = l.strip();
            if (inDoc != null) {
                out.add("");
                if (t.contains(inDoc)) {
                    inDoc = null;
                }
                continue;
            }
            String opener = docstringOpener(t);
            if (opener != null) {
                out.add("");
                String rest = t.substring(t.indexOf(opener) + 3);
                if (!rest.contains(opener)) {
                    inDoc = opener;
                }
                continue;
            }
            out.add(stripHash(l, true));
        }
        return out;
    }

    private static String docstringOpener(String stripped) {
        String s = stripped.replaceFirst("^[rRuUbB]{0,2}", "");
        if (s.startsWith("\"\"\"")) {
            return "\"\"\"";
        }
        if (s.startsWith("'''")) {
            return "'''";
        }
        return null;
    }

    /** JavaScript/TypeScript: '//' and block comments outside string literals; a '#!' first line. */
    private static List<String> javascript(List<String> lines) {
        List<String> out = new ArrayList<>(lines.size());
        boolean inBlock = false;
        for (int n = 0; n < lines.size(); n++) {
            String l = lines.get(n);
            if (n == 0 && l.startsWith("#!")) {
                out.add("");
                continue;
            }
            StringBuilder code = new StringBuilder();
            char quote = 0;
            for (int i = 0; i < l.length(); i++) {
                char c = l.charAt(i);
                char next = i + 1 < l.length() ? l.charAt(i + 1) : 0;
                if (inBlock) {
                    if (c == '*' && next == '/') {
                        inBlock = false;
                        i++;
                    }
                    continue;
                }
                if (quote != 0) {
                    code.append(c);
                    if (c == '\\' && next != 0) {
                        code.append(next);
                        i++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                    continue;
                }
                if (c == '/' && next == '/') {
                    break;
                }
                if (c == '/' && next == '*') {
                    inBlock = true;
                    i++;
                    continue;
                }
                if (c == '\'' || c == '"' || c == '`') {
                    quote = c;
                }
                code.append(c);
            }
            out.add(code.toString());
        }
        return out;
    }
}
