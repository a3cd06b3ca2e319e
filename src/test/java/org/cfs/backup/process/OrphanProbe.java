package org.cfs.backup.process;

import java.util.List;

/** Run by {@link ChildrenDieTest} in a JVM of its own: starts a long child through the real runner and waits. */
public final class OrphanProbe {
    private OrphanProbe() {
    }

    public static void main(String[] args) {
        // the child writes its pid (sh's $$ stays the pid of the program it execs) and sleeps
        new ZtProcessRunner(new Cancellation()).run(ProcessSpec.of(List.of("sh", "-c",
                "echo $$ > " + args[0] + ".tmp && mv " + args[0] + ".tmp " + args[0] + " && exec sleep 300")).build());
    }
}
