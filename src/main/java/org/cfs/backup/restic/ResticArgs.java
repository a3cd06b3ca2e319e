package org.cfs.backup.restic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.cfs.backup.process.ProcessSpec;
import org.cfs.backup.rclone.Rclone;

/**
 * The argument lists and environment of every restic call, and nothing else: no process runs here
 * (the version, which gates {@code --retry-lock}, is asked of a supplier). The one place that knows
 * restic's flags. Each builder's output is kept as a golden file under
 * {@code src/test/resources/golden/restic/} ({@code ResticArgsGoldenTest}).
 */
public final class ResticArgs {
    private final ResticSettings settings;
    private final Supplier<ResticVersion> version;

    public ResticArgs(ResticSettings settings, Supplier<ResticVersion> version) {
        this.settings = settings;
        this.version = version;
    }

    public ResticSettings settings() {
        return settings;
    }

    /** {@code restic version}: no repository, no environment. */
    public List<String> versionArgs() {
        return List.of(settings.binary(), "version");
    }

    /** The common head of every restic command line: binary, repository, cache and backend options. */
    public List<String> command(String subcommand, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(settings.binary());
        cmd.add("-r");
        cmd.add(settings.repository());
        if (settings.cacheDir() != null) {
            cmd.add("--cache-dir");
            cmd.add(settings.cacheDir().toString());
        }
        if (settings.rcloneBackend()) {
            // without --ask-password=false an encrypted rclone.conf makes rclone wait 60 s on stdin
            StringBuilder rargs = new StringBuilder("serve restic --stdio --b2-hard-delete --ask-password=false");
            for (String a : settings.extraRcloneArgs()) {
                rargs.append(' ').append(a);
            }
            cmd.add("-o");
            cmd.add("rclone.args=" + rargs);
        }
        cmd.add(subcommand);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * A command that takes restic's exclusive lock (forget, prune, check): from 0.16 it waits for
     * a running backup's lock with {@code --retry-lock} instead of failing at once.
     */
    public List<String> exclusiveCommand(String subcommand, String... args) {
        List<String> cmd = command(subcommand, args);
        if (version.get().hasRetryLock()) {
            cmd.add(cmd.indexOf(subcommand) + 1, "--retry-lock");
            cmd.add(cmd.indexOf(subcommand) + 2, "5m");
        }
        return cmd;
    }

    /** The environment restic gets: paths to secret files, and rclone's config password when set. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (settings.passwordCommand() != null) {
            // issue 15: restic runs the command and reads the password from its pipe
            env.put("RESTIC_PASSWORD_COMMAND", settings.passwordCommand());
        } else {
            env.put("RESTIC_PASSWORD_FILE", settings.passwordFile().toString());
        }
        env.putAll(Rclone.environment(settings.rcloneConfig(), settings.rcloneConfigPasswordFile(),
                settings.rcloneConfigPasswordCommand()));
        return env;
    }

    /** A spec of this argument list with restic's environment. */
    public ProcessSpec.Builder spec(List<String> args) {
        return ProcessSpec.of(args).env(environment());
    }

    /**
     * Asks restic 0.14 for its status lines even when stdout is no terminal ({@code check},
     * {@code prune}): {@code RESTIC_PROGRESS_FPS} (issue 14 progress).
     */
    public static final String PROGRESS_FPS = "RESTIC_PROGRESS_FPS";

    public List<String> backupArgs(BackupRequest req) {
        List<String> a = new ArrayList<>();
        a.add("--json");
        a.add("--host");
        a.add(req.host());
        for (String t : req.tags()) {
            a.add("--tag");
            a.add(t);
        }
        if (req.parent() != null) {
            a.add("--parent");
            a.add(req.parent());
        }
        for (String e : req.excludes()) {
            a.add("--exclude");
            a.add(e);
        }
        if (req.dryRun()) {
            a.add("--dry-run");
        }
        if (req.stdinFilename() != null) {
            a.add("--stdin");
            a.add("--stdin-filename");
            a.add(req.stdinFilename());
        } else {
            // "--" so that a path starting with '-' is never read as a flag
            a.add("--");
            a.addAll(req.paths());
        }
        return command("backup", a.toArray(String[]::new));
    }

    public List<String> snapshotsArgs(String host, List<String> tags) {
        List<String> a = new ArrayList<>(List.of("--json"));
        addFilter(a, host, tags);
        return command("snapshots", a.toArray(String[]::new));
    }

    /**
     * {@code --host H} and one {@code --tag T} per tag: several {@code --tag} mean "any of these"
     * (one {@code --tag} with a comma list would mean "all of these").
     */
    private static void addFilter(List<String> a, String host, List<String> tags) {
        if (host != null) {
            a.add("--host");
            a.add(host);
        }
        for (String t : tags == null ? List.<String>of() : tags) {
            a.add("--tag");
            a.add(t);
        }
    }

    /** Snapshots without taking a repository lock, so that status and freshness never block a prune or check. */
    public List<String> snapshotsNoLockArgs(String host, List<String> tags) {
        List<String> a = new ArrayList<>(List.of("--no-lock", "--json"));
        addFilter(a, host, tags);
        return command("snapshots", a.toArray(String[]::new));
    }

    public List<String> catConfigArgs() {
        return command("cat", "config");
    }

    public List<String> initArgs() {
        return command("init");
    }

    public List<String> unlockArgs() {
        return command("unlock");
    }

    public List<String> forgetIdsArgs(List<String> ids) {
        return exclusiveCommand("forget", ids.toArray(String[]::new));
    }

    /** {@code restic tag --add TAG -- ID...} (an exclusive lock, as forget). */
    public List<String> addTagArgs(List<String> ids, String tag) {
        return tagArgs("--add", ids, tag);
    }

    /** {@code tag --remove TAG -- ID...}: restic writes each snapshot anew (a new id, {@code original} the old) and removes the old. */
    public List<String> removeTagArgs(List<String> ids, String tag) {
        return tagArgs("--remove", ids, tag);
    }

    private List<String> tagArgs(String change, List<String> ids, String tag) {
        List<String> a = new ArrayList<>(List.of(change, tag, "--"));
        a.addAll(ids);
        return exclusiveCommand("tag", a.toArray(String[]::new));
    }

    /** {@code cat lock ID --no-lock}: one lock's JSON (host, pid, time, exclusive). */
    public List<String> catLockArgs(String lockId) {
        return command("cat", "lock", lockId, "--no-lock");
    }

    /** {@code unlock --remove-all}: every lock, live ones too (a fleet's dead nodes only, see fleet.RepositoryLocks). */
    public List<String> unlockRemoveAllArgs() {
        return command("unlock", "--remove-all");
    }

    public List<String> listLocksArgs() {
        return command("list", "locks", "--no-lock");
    }

    public List<String> restoreSizeArgs(String snapshotId) {
        return command("stats", "--json", "--mode", "restore-size", snapshotId);
    }

    /** The arguments of a per-source {@code forget}: one host, one tag, grouped by host and tags. */
    public List<String> forgetArgs(String host, String tag, List<String> policy, boolean dryRun) {
        List<String> a = new ArrayList<>(List.of("--json", "--host", host, "--tag", tag, "--group-by", "host,tags"));
        a.addAll(policy);
        if (dryRun) {
            a.add("--dry-run");
        }
        return command("forget", a.toArray(String[]::new));
    }

    public List<String> pruneArgs(boolean dryRun) {
        return dryRun ? command("prune", "--dry-run") : command("prune");
    }

    public List<String> lsArgs(String snapshotId, List<String> paths) {
        // --recursive: with folder arguments, 0.14 lists only their direct children otherwise
        List<String> a = new ArrayList<>(List.of("--json", "--recursive", "--", snapshotId));
        a.addAll(paths);
        return command("ls", a.toArray(String[]::new));
    }

    /** {@code restic dump SNAPSHOT PATH}: a tar of a folder, or the bytes of a file, on stdout. */
    public List<String> dumpArgs(String snapshotId, String path) {
        return command("dump", "--", snapshotId, path);
    }

    /**
     * {@code restic restore SNAPSHOT --target DIR [--include P]... [--verify]}; restic 0.14 has no
     * {@code SNAPSHOT:subpath}, so the tree lands under its absolute paths below the target.
     */
    public List<String> restoreArgs(String snapshotId, String target, List<String> includes, boolean verify) {
        List<String> a = new ArrayList<>(List.of("--target", target));
        for (String i : includes) {
            a.add("--include");
            a.add(i);
        }
        if (verify) {
            a.add("--verify");
        }
        a.add("--");
        a.add(snapshotId);
        return command("restore", a.toArray(String[]::new));
    }

    public List<String> checkArgs(String readDataSubset) {
        return readDataSubset == null ? command("check") : command("check", "--read-data-subset", readDataSubset);
    }

    /** Filters under which restic's {@code latest} is this host's newest snapshot tagged with the source, at the path. */
    static List<String> latestFilters(String host, String tag, String path) {
        return List.of("--host", host, "--tag", tag, "--path", path);
    }

    public List<String> lsLatestArgs(String host, String tag, String path) {
        List<String> a = new ArrayList<>(List.of("--json", "--recursive"));
        a.addAll(latestFilters(host, tag, path));
        a.addAll(List.of("--", "latest", path));
        return command("ls", a.toArray(String[]::new));
    }

    public List<String> dumpLatestArgs(String host, String tag, String path) {
        List<String> a = new ArrayList<>(latestFilters(host, tag, path));
        a.addAll(List.of("--", "latest", path));
        return command("dump", a.toArray(String[]::new));
    }

    public List<String> restoreLatestArgs(String host, String tag, String path, String target) {
        List<String> a = new ArrayList<>(List.of("--target", target));
        a.addAll(latestFilters(host, tag, path));
        a.addAll(List.of("--", "latest"));
        return command("restore", a.toArray(String[]::new));
    }

    /**
     * {@code restic ls --json SNAPSHOT PATH} without {@code --recursive}: restic 0.14 then prints the
     * node of PATH itself and, for a folder, its direct children (in name order), walking no other subtree.
     */
    public List<String> lsFolderArgs(String snapshotId, String path) {
        return command("ls", "--json", "--", snapshotId, path);
    }

    /** {@code restic find --json [--host H] [--tag T]... -- PATTERN}: which snapshots hold a matching name. */
    public List<String> findArgs(String host, List<String> tags, String pattern) {
        List<String> a = new ArrayList<>(List.of("--json"));
        addFilter(a, host, tags);
        a.add("--");
        a.add(pattern);
        return command("find", a.toArray(String[]::new));
    }

    /** {@code restic diff --json -- ID1 ID2}: change lines, then one statistics line. */
    public List<String> diffArgs(String fromId, String toId) {
        return command("diff", "--json", "--", fromId, toId);
    }

    /** Perl, part of every Debian (perl-base is Essential); without it restic runs as it is. */
    static final java.nio.file.Path PERL = java.nio.file.Path.of("/usr/bin/perl");

    /** F_SETPIPE_SZ: 1 MiB is Linux's default limit (/proc/sys/fs/pipe-max-size) for unprivileged processes. */
    static final String LARGE_PIPE = "fcntl(STDOUT, 1031, 1048576); exec { $ARGV[0] } @ARGV; "
            + "print STDERR \"cannot run $ARGV[0]: $!\\n\"; exit 127";

    /**
     * Runs a restic command whose stdout we stream (dump, ls) with a 1 MiB pipe instead of the
     * default 64 KiB: restic then writes a whole blob without waiting for the reader, which cost
     * about 40% over writing to /dev/null on the benchmark machine (docs/benchmarks.md). Java cannot
     * resize a pipe, so a one-line Perl sets the size on the stdout it hands on and execs restic
     * (same process, same arguments, no shell); when the resize is refused, restic runs all the same.
     */
    public static List<String> withLargePipe(List<String> resticCommand) {
        if (!java.nio.file.Files.isExecutable(PERL)) {
            return resticCommand;
        }
        List<String> cmd = new ArrayList<>(List.of(PERL.toString(), "-e", LARGE_PIPE));
        cmd.addAll(resticCommand);
        return cmd;
    }
}
