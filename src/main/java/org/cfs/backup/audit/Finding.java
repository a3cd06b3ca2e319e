package org.cfs.backup.audit;

/**
 * One broken isolation rule. Never carries a secret's value: details name variables, files and
 * flags, not what they contain.
 *
 * @param rule     stable kebab-case rule name (see docs/audit.md)
 * @param subject  what is affected: a container name ({@code name} or {@code name:VAR}), a file,
 *                 or {@code file:line} for workspace scripts
 * @param file     the workspace file of a script finding, else null
 * @param line     its 1-based line, else null
 * @param allowed  true when {@code audit.allow} lists this finding as a known exception
 * @param reason   the allow entry's reason, when allowed
 */
public record Finding(String rule, Severity severity, String subject, String detail, String file, Integer line,
                      boolean allowed, String reason) {
    /** The rule of a check that could not look (Docker unreachable, a file missing). */
    public static final String INCOMPLETE = "audit-incomplete";

    public static Finding of(String rule, Severity severity, String subject, String detail) {
        return new Finding(rule, severity, subject, detail, null, null, false, null);
    }

    public static Finding atLine(String rule, Severity severity, String file, int line, String detail) {
        return new Finding(rule, severity, file + ":" + line, detail, file, line, false, null);
    }

    public Finding allow(String why) {
        return new Finding(rule, severity, subject, detail, file, line, true, why);
    }
}
