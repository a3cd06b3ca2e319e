package org.cfs.backup.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code -v} shows of each child (issue 14): the program and its arguments when it starts, the
 * exit code and the duration when it ends. Written only by {@link ZtProcessRunner}, the one place
 * where children run. The environment is never written (it may hold RCLONE_CONFIG_PASS); passwords
 * travel by file or password command, never as arguments, and arguments that look like a secret
 * anyway (a user's hook or dump command) or like a URL (ping and webhook URLs carry tokens) are masked.
 */
public final class CommandLog {
    static final Logger LOG = LoggerFactory.getLogger("org.cfs.backup.process.children");

    /** NAME=VALUE or --NAME=VALUE whose name says it is secret. */
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)^(-{0,2}[\\w.-]*(?:pass|pwd|secret|token|key|auth|credential)[\\w.-]*=).+");
    /** An option whose next argument is the secret: --password X, -p X is too ambiguous to mask. */
    private static final Pattern SECRET_OPTION = Pattern.compile(
            "(?i)^--?[\\w.-]*(?:pass|pwd|secret|token|auth)[\\w.-]*$");
    /** mysql/mariadb style -pSECRET. */
    private static final Pattern MYSQL_PASSWORD = Pattern.compile("^-p.+");
    private static final Pattern URL = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/\\s?#]*@)?([^/\\s?#]*)[^\\s]*");

    private CommandLog() {
    }

    /** The argument list as {@code -v} prints it: secrets and URL paths masked. */
    public static List<String> redact(List<String> command) {
        List<String> out = new ArrayList<>(command.size());
        boolean nextIsSecret = false;
        for (String a : command) {
            if (nextIsSecret) {
                out.add("***");
                nextIsSecret = false;
                continue;
            }
            if (SECRET_ASSIGNMENT.matcher(a).matches()) {
                out.add(a.substring(0, a.indexOf('=') + 1) + "***");
            } else if (SECRET_OPTION.matcher(a).matches() && !a.endsWith("-file") && !a.endsWith("-command")) {
                out.add(a);
                nextIsSecret = true;
            } else if (MYSQL_PASSWORD.matcher(a).matches()) {
                out.add("-p***");
            } else {
                out.add(maskUrls(a));
            }
        }
        return out;
    }

    /** scheme://host stays (which server it talked to); user info, path and query go (tokens live there). */
    static String maskUrls(String a) {
        if (!a.contains("://")) {
            return a;
        }
        return URL.matcher(a).replaceAll(m -> {
            String rest = m.group(0).substring(m.group(1).length() + (m.group(2) == null ? 0 : m.group(2).length())
                    + m.group(3).length());
            return java.util.regex.Matcher.quoteReplacement(m.group(1) + m.group(3) + (rest.isEmpty() ? "" : "/***"));
        });
    }

    /**
     * The command without a leading one-line Perl that only sets something up and execs the rest
     * (the large pipe of restic dump/ls): {@code -v} shows what really runs, restic and its arguments.
     */
    static List<String> unwrapped(List<String> command) {
        if (command.size() > 3 && command.get(0).endsWith("/perl") && command.get(1).equals("-e")
                && command.get(2).contains("exec { $ARGV[0] } @ARGV")) {
            return command.subList(3, command.size());
        }
        return command;
    }

    static String line(List<String> command) {
        StringBuilder sb = new StringBuilder();
        for (String a : redact(unwrapped(command))) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(a.isEmpty() || a.chars().anyMatch(c -> c == ' ' || c == '"' || c == '\'' || c == '\\')
                    ? "'" + a.replace("'", "'\\''") + "'" : a);
        }
        return sb.toString();
    }

    static void started(ProcessSpec spec) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("run: {}", line(spec.command()));
        }
    }

    static void ended(ProcessSpec spec, String how, Duration elapsed) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} after {}", spec.program(), how,
                    String.format(Locale.ROOT, "%.2f s", elapsed.toNanos() / 1e9));
        }
    }
}
