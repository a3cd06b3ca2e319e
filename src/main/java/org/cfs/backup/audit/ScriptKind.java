package org.cfs.backup.audit;

import java.util.Locale;
import java.util.regex.Pattern;

/** The kinds of workspace files the scanner reads; everything else (documentation included) is skipped. */
enum ScriptKind {
    SHELL, DOCKERFILE, COMPOSE, MAKEFILE, PYTHON, JAVASCRIPT;

    private static final Pattern SHELL_BANG = Pattern.compile("^#!.*\\b(?:ba|z|k|da|a)?sh\\b.*");
    private static final Pattern PYTHON_BANG = Pattern.compile("^#!.*\\bpython[0-9.]*\\b.*");
    private static final Pattern NODE_BANG = Pattern.compile("^#!.*\\b(?:node|nodejs|deno|bun|ts-node|tsx)\\b.*");

    /** The kind from the file name; {@code firstLine} (may be null) decides for names without a known extension. */
    static ScriptKind of(String fileName, String firstLine) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.equals("dockerfile") || n.startsWith("dockerfile.") || n.endsWith(".dockerfile")
                || n.equals("containerfile") || n.startsWith("containerfile.")) {
            return DOCKERFILE;
        }
        if ((n.endsWith(".yml") || n.endsWith(".yaml")) && n.contains("compose")) {
            return COMPOSE;
        }
        if (n.equals("makefile") || n.equals("gnumakefile") || n.endsWith(".mk")) {
            return MAKEFILE;
        }
        int dot = n.lastIndexOf('.');
        String ext = dot < 0 ? "" : n.substring(dot + 1);
        switch (ext) {
            case "sh", "bash", "zsh", "ksh", "dash":
                return SHELL;
            case "py":
                return PYTHON;
            case "js", "mjs", "cjs", "ts", "mts", "cts":
                return JAVASCRIPT;
            case "md", "markdown", "rst", "txt", "adoc", "html", "json", "yml", "yaml", "toml", "ini", "conf",
                 "cfg", "lock", "xml", "csv", "log":
                return null;
            default:
                break;
        }
        if (firstLine != null && firstLine.startsWith("#!")) {
            if (SHELL_BANG.matcher(firstLine).matches()) {
                return SHELL;
            }
            if (PYTHON_BANG.matcher(firstLine).matches()) {
                return PYTHON;
            }
            if (NODE_BANG.matcher(firstLine).matches()) {
                return JAVASCRIPT;
            }
        }
        return null;
    }

    /** Python and JavaScript count only when they shell out (or drive the Docker API). */
    boolean needsShellOut() {
        return this == PYTHON || this == JAVASCRIPT;
    }

    String label() {
        return switch (this) {
            case SHELL -> "shell script";
            case DOCKERFILE -> "Dockerfile";
            case COMPOSE -> "compose file";
            case MAKEFILE -> "Makefile";
            case PYTHON -> "Python script";
            case JAVASCRIPT -> "JavaScript";
        };
    }
}
