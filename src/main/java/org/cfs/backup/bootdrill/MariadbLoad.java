package org.cfs.backup.bootdrill;

import java.util.List;
import java.util.function.Consumer;

import org.cfs.backup.CfsException;
import org.cfs.backup.ExitCode;
import org.cfs.backup.config.Config;
import org.cfs.backup.config.SourceConfig;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.Snapshot;
import org.cfs.backup.state.ScratchJournal;

/** Loads a MariaDB dump into a throw-away server and checks every table's row count. */
final class MariadbLoad {
    private static final java.util.regex.Pattern DUMP_PROGRAM =
            java.util.regex.Pattern.compile("(^|[/\\s])(mariadb-dump|mysqldump)(\\s|$)");

    private final Config config;
    private final Restic restic;
    private final ProcessRunner runner;
    private final ScratchJournal journal;
    private final Cancellation cancellation;
    private final Consumer<String> log;
    private final String command;

    MariadbLoad(Config config, Restic restic, ProcessRunner runner, ScratchJournal journal, Cancellation cancellation,
                Consumer<String> log, String command) {
        this.config = config;
        this.restic = restic;
        this.runner = runner;
        this.journal = journal;
        this.cancellation = cancellation;
        this.log = log;
        this.command = command;
    }

    static boolean isMariadbDump(List<String> command) {
        return command != null && command.stream().anyMatch(a -> DUMP_PROGRAM.matcher(a).find());
    }

    void drill(SourceConfig s, Snapshot snap, BootDrillOperation.Outcome o) {
        throw new CfsException(ExitCode.FAILED, "not yet");
    }
}
