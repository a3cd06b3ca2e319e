package org.cfs.backup.restore;

import java.nio.file.Path;
import java.util.List;

/**
 * What the operator asked to restore.
 *
 * @param snapshot an id prefix or {@code latest} (null means latest)
 * @param target   the folder to restore into; null means in place
 * @param includes paths relative to the source's root (only with a target)
 * @param pipeTo   for command sources: the command line the dump is streamed into
 * @param host     whose snapshots {@code latest} is chosen from ({@code --host}); null: the config's host
 */
public record RestoreRequest(String source, String snapshot, Path target, List<String> includes, boolean dryRun,
                             String pipeTo, String host) {
    public RestoreRequest {
        includes = includes == null ? List.of() : List.copyOf(includes);
    }

    public RestoreRequest(String source, String snapshot, Path target, List<String> includes, boolean dryRun,
                          String pipeTo) {
        this(source, snapshot, target, includes, dryRun, pipeTo, null);
    }
}
