package org.cfs.backup.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Shared plumbing of the commands: the wiring, and picocli's out/err (never System.out). */
abstract class BaseCommand implements Callable<Integer> {
    @ParentCommand
    private Object parent;

    @Spec
    CommandSpec spec;

    RootCommand root() {
        Object p = parent;
        while (!(p instanceof RootCommand)) {
            if (p instanceof BaseCommand b) {
                p = b.parent;
            } else {
                throw new IllegalStateException("command outside cfs-backup");
            }
        }
        return (RootCommand) p;
    }

    Services services() {
        return root().services(err());
    }

    /** The one way every job runs (lock, operation, alert policy), with this command's stderr. */
    Jobs jobs(org.cfs.backup.backup.ProgressListener progress) {
        return new Jobs(services(), err(), progress);
    }

    Jobs jobs() {
        return jobs(org.cfs.backup.backup.ProgressListener.NONE);
    }

    /** issue 14: restic's progress on stderr when it is a terminal and not --json; null otherwise. */
    ProgressLine progressLine(boolean json) {
        return ProgressLine.on(spec.name(), json, services().env(), err());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
