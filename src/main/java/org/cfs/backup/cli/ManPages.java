package org.cfs.backup.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cfs.backup.process.Cancellation;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Man pages in roff, written from picocli's model of the commands (the same {@link CommandSpec}
 * that prints {@code --help}), so that they cannot drift from it: {@code cfs-backup(1)} and one
 * page per command ({@code cfs-backup-backup(1)}, {@code cfs-backup-remote-setup(1)}, ...).
 * Built into the .deb by {@link PackageFiles} at {@code mvn package}.
 */
final class ManPages {
    private final String version;
    private final String date;

    /** @param date the pages' date (the build's output timestamp, so the build stays reproducible) */
    ManPages(String version, String date) {
        this.version = version;
        this.date = date;
    }

    /** The complete command line with every command registered (Main registers only the one it runs). */
    static CommandLine fullCommandLine() {
        CommandLine cl = new CommandLine(new RootCommand(Map.of(), new Cancellation(), null, Prompts.console()));
        for (Class<?> c : RootCommand.COMMANDS) {
            cl.addSubcommand(c);
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        Main.addHelpOptions(cl); // the same help, exit codes and examples as --help
        return cl;
    }

    /** Page name (e.g. {@code cfs-backup-remote-setup}) to roff text, the main page first. */
    Map<String, String> render(CommandLine root) {
        Map<String, String> pages = new LinkedHashMap<>();
        collect(root, pages);
        return pages;
    }

    private void collect(CommandLine cl, Map<String, String> pages) {
        CommandSpec spec = cl.getCommandSpec();
        pages.put(pageName(spec), page(cl));
        for (Map.Entry<String, CommandLine> e : distinct(cl).entrySet()) {
            collect(e.getValue(), pages);
        }
    }

    /** Subcommands without their aliases and without picocli's hidden ones. */
    private static Map<String, CommandLine> distinct(CommandLine cl) {
        Map<String, CommandLine> out = new LinkedHashMap<>();
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            CommandSpec s = e.getValue().getCommandSpec();
            if (e.getKey().equals(s.name()) && !s.usageMessage().hidden()) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    private String page(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        String name = pageName(spec);
        StringBuilder r = new StringBuilder();
        r.append(".\\\" generated from cfs-backup's picocli model by ManPages; do not edit\n");
        r.append(".TH ").append(quote(name.toUpperCase(Locale.ROOT))).append(" 1 ").append(quote(date)).append(' ')
                .append(quote("cfs-backup " + version)).append(' ').append(quote("cfs-backup Manual")).append('\n');
        r.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(firstSentence(spec))).append('\n');

        r.append(".SH SYNOPSIS\n.nf\n");
        Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        for (String line : help.synopsis(0).stripTrailing().split("\n")) {
            r.append(text(line.stripTrailing())).append('\n');
        }
        r.append(".fi\n");

        r.append(".SH DESCRIPTION\n");
        for (String line : spec.usageMessage().description()) {
            r.append(text(line)).append('\n');
        }

        List<PositionalParamSpec> params = new ArrayList<>();
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden()) {
                params.add(p);
            }
        }
        if (!params.isEmpty()) {
            r.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                r.append(".TP\n").append(bold(p.paramLabel())).append('\n');
                appendDescription(r, p.description());
            }
        }

        List<OptionSpec> options = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) {
                options.add(o);
            }
        }
        if (!options.isEmpty()) {
            r.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                r.append(".TP\n").append(optionHeader(o)).append('\n');
                appendDescription(r, o.description());
            }
        }

        Map<String, CommandLine> subs = distinct(cl);
        if (!subs.isEmpty()) {
            r.append(".SH COMMANDS\n");
            for (CommandLine sub : subs.values()) {
                CommandSpec s = sub.getCommandSpec();
                r.append(".TP\n").append(bold(s.name())).append('\n').append(text(firstSentence(s))).append(' ')
                        .append("See ").append(bold(pageName(s))).append("(1).\n");
            }
        }

        if (spec.parent() == null) {
            r.append(mainPageSections());
        } else {
            r.append(".SH EXIT STATUS\nSee\n.BR cfs-backup (1).\n");
        }
        r.append(".SH SEE ALSO\n");
        List<String> see = new ArrayList<>();
        if (spec.parent() != null) {
            see.add(pageName(spec.parent()));
        }
        for (CommandLine sub : subs.values()) {
            see.add(pageName(sub.getCommandSpec()));
        }
        see.add("restic");
        see.add("rclone");
        for (int i = 0; i < see.size(); i++) {
            r.append(".BR ").append(escape(see.get(i))).append(" (1)").append(i < see.size() - 1 ? "," : "").append('\n');
        }
        r.append("\n/usr/share/doc/cfs-backup/README.md\n");
        return r.toString();
    }

    private static String mainPageSections() {
        return """
                .SH FILES
                .TP
                .I /etc/cfs-backup/config.yaml
                The configuration (YAML): repository, sources, retention, schedule, alerts.
                .TP
                .I /etc/cfs-backup/credentials/
                Secrets sealed with \\fBsystemd-creds\\fR(1) (\\fBcfs-backup secrets seal\\fR).
                .TP
                .I /var/lib/cfs-backup/
                State: run history, journals, quota samples.
                .TP
                .I /var/log/cfs-infra/cfs-backup.log
                The audit log, one line per operation and outcome (rotated by logrotate).
                .SH ENVIRONMENT
                .TP
                .B CFS_BACKUP_CONFIG
                The config file when \\fB\\-c\\fR is not given.
                .TP
                .B CFS_BACKUP_RESTIC\\fR, \\fBCFS_BACKUP_RCLONE\\fR, \\fBCFS_BACKUP_DOCKER
                The programs to run instead of \\fBrestic\\fR, \\fBrclone\\fR and \\fBdocker\\fR from the PATH.
                .SH EXIT STATUS
                .TP
                .B 0
                Everything worked.
                .TP
                .B 1
                The operation failed (a drill failed, quota critical, a critical audit finding).
                .TP
                .B 2
                Usage or configuration error; nothing was done.
                .TP
                .B 3
                Partial success or a warning (some sources failed, quota warning, audit warnings).
                .TP
                .B 4
                Busy: another cfs-backup operation holds the lock.
                .TP
                .B 130
                Interrupted, after cleaning up.
                """;
    }

    private static String optionHeader(OptionSpec o) {
        StringBuilder h = new StringBuilder();
        String[] names = o.names();
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                h.append(", ");
            }
            h.append(bold(names[i]));
        }
        if (o.arity().max() == 0) {
            return h.toString();
        }
        String label = o.paramLabel();
        h.append(names[names.length - 1].startsWith("--") ? "=" : " ").append("\\fI").append(escape(label)).append("\\fR");
        return h.toString();
    }

    private static void appendDescription(StringBuilder r, String[] description) {
        if (description.length == 0) {
            r.append("\\&\n");
        }
        for (String line : description) {
            r.append(text(line)).append('\n');
        }
    }

    private static String firstSentence(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        String s = d.length == 0 ? spec.name() : d[0];
        s = s.strip();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String bold(String s) {
        return "\\fB" + escape(s) + "\\fR";
    }

    private static String quote(String s) {
        return "\"" + escape(s).replace("\"", "\\(dq") + "\"";
    }

    /** A line of running text: escaped, and never read as a request (a leading dot or quote). */
    static String text(String s) {
        String e = escape(s);
        return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
    }

    /** roff escapes: backslashes, and hyphens as real minus signs (option names stay copyable). */
    static String escape(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }
}
