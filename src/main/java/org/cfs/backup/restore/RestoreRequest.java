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
 */
public record RestoreRequest(String source, String snapshot, Path target, List<String> includes, boolean dryRun,
                             String pipeTo) {
    public RestoreRequest {
        includes = includes == null ? List.of() : List.copyOf(includes);
    }
}
