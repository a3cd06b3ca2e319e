package org.cfs.backup.drill;

import java.util.function.Consumer;

import org.cfs.backup.config.Config;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.restic.Restic;
import org.cfs.backup.restic.ResticProgress;

/**
 * What every drill mode ({@link StreamDrill}, {@link FullDrill}, {@link DumpDrill}) works with.
 *
 * @param host whose snapshots are drilled: the config's host unless {@code drill --host} names another
 * @param runner runs the programs that are not restic (a source's drill-command, sqlite3)
 * @param progress told the bytes of each restic dump or restore (issue 14 progress); null when nobody watches
 */
record DrillContext(Config config, Restic restic, Docker docker, Cancellation cancellation, Consumer<String> log,
                    String host, ProcessRunner runner, ResticProgress.Listener progress) {
    DrillContext withHost(String name) {
        return new DrillContext(config, restic, docker, cancellation, log, name, runner, progress);
    }

    DrillContext withProgress(ResticProgress.Listener listener) {
        return new DrillContext(config, restic, docker, cancellation, log, host, runner, listener);
    }
}
