package org.cfs.backup.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.process.Cancellation;
import picocli.CommandLine;

/**
 * Entry point: {@link #run} parses the command line, runs one command and returns its exit code.
 * Only {@link #main} calls System.exit.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Cancellation cancellation = new Cancellation();
        SignalHandling.install(cancellation);
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        Map<String, String> env = System.getenv();
        int code = run(Prompts.console(), out, err, env, cancellation, ConfigPreload.start(args, env), args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command with the process environment and no outside cancellation. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, System.getenv(), new Cancellation(), args);
    }

    /** Runs one command whose prompts read their answers from {@code in} (tests, scripts). */
    public static int run(InputStream in, PrintWriter out, PrintWriter err, String... args) {
        return run(Prompts.of(in, err), out, err, System.getenv(), new Cancellation(), null, args);
    }

    public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, Cancellation cancellation,
                          String... args) {
        return run(Prompts.console(), out, err, env, cancellation, null, args);
    }

    /** As above, with the config possibly being read ahead already ({@link ConfigPreload}, may be null). */
    static int run(Prompts prompts, PrintWriter out, PrintWriter err, Map<String, String> env,
                   Cancellation cancellation, ConfigPreload preload, String... args) {
        RootCommand root = new RootCommand(env, cancellation, preload, prompts);
        CommandLine cl = new CommandLine(root);
        registerCommands(cl, args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        addHelpOptions(cl);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(ex, err, root.verbose()));
        cl.setParameterExceptionHandler((ex, args1) -> {
            err.println("cfs-backup: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try 'cfs-backup " + commandName(ex.getCommandLine()) + "--help' for usage.");
            return ExitCode.USAGE;
        });
        if (preload != null) {
            preload.awaitLogging(); // picocli applies -v (a logback setting) while it parses
        }
        try {
            return cl.execute(args);
        } finally {
            root.close();
            out.flush();
            err.flush();
        }
    }

    /** Registers only the command named on the command line, or all when none (or an unknown one) is. */
    private static void registerCommands(CommandLine cl, String[] args) {
        String wanted = commandWord(args);
        List<String> names = RootCommand.commandNames();
        boolean one = wanted != null && names.contains(wanted);
        // `cfs-backup help COMMAND`: picocli's help command, over every command
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        for (int i = 0; i < names.size(); i++) {
            if (!one || names.get(i).equals(wanted)) {
                cl.addSubcommand(names.get(i), RootCommand.COMMANDS.get(i));
            }
        }
    }

    /** The first word that is not a global option (or the value of -c/--config). */
    static String commandWord(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-c") || a.equals("--config")) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    /** Every command answers --help (and --version), not only the top level, and its help lists the exit codes. */
    private static void addHelpOptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue;
            }
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            if (usage.exitCodeList().isEmpty()) {
                usage.exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.DESCRIPTIONS);
            }
            String examples = HelpExamples.of(sub.getCommandSpec().qualifiedName(" ").replaceFirst("^cfs-backup ", ""));
            if (examples != null && usage.footer().length == 0) {
                usage.footerHeading("%nExamples:%n").footer(examples);
            }
            addHelpOptions(sub);
        }
    }

    private static String commandName(CommandLine cl) {
        String q = cl.getCommandSpec().qualifiedName(" ");
        String rest = q.startsWith("cfs-backup") ? q.substring("cfs-backup".length()).trim() : q;
        return rest.isEmpty() ? "" : rest + " ";
    }

    static int handle(Exception ex, PrintWriter err, boolean verbose) {
        int code;
        if (ex instanceof CfsException ce) {
            code = ce.exitCode();
            err.println("cfs-backup: " + ce.getMessage());
        } else {
            code = ExitCode.FAILED;
            err.println("cfs-backup: internal error: " + ex);
        }
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
