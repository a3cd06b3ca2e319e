package org.cfs.backup.drill;

import java.util.function.Consumer;

import org.cfs.backup.config.Config;
import org.cfs.backup.docker.Docker;
import org.cfs.backup.process.Cancellation;
import org.cfs.backup.restic.Restic;

/**
 * What every drill mode ({@link StreamDrill}, {@link FullDrill}, {@link DumpDrill}) works with.
 *
 * @param host whose snapshots are drilled: the config's host unless {@code drill --host} names another
 */
record DrillContext(Config config, Restic restic, Docker docker, Cancellation cancellation, Consumer<String> log,
                    String host) {
    DrillContext withHost(String name) {
        return new DrillContext(config, restic, docker, cancellation, log, name);
    }
}
