package org.cfs.backup.backup;

import java.util.List;
import java.util.Map;

import org.cfs.backup.process.ProcessResult;
import org.cfs.backup.process.ProcessRunner;
import org.cfs.backup.process.ProcessSpec;

/** Runs a source's {@code before}/{@code after} argument lists (no shell unless the list asks for one). */
final class Hooks {
    private final ProcessRunner runner;

    Hooks(ProcessRunner runner) {
        this.runner = runner;
    }

    /** @return null when it succeeded, else a one-line reason */
    String run(String which, List<String> argv, Map<String, String> env) {
        if (argv == null) {
            return null;
        }
        ProcessResult r = runner.run(ProcessSpec.of(argv).env(env).build());
        if (r.ok()) {
            return null;
        }
        return which + " hook " + argv.get(0) + " exited " + r.exitCode() + r.stderrSuffix();
    }
}
