package org.cfs.backup.cli;

import org.cfs.backup.browse.SnapshotBrowser;
import picocli.CommandLine.Mixin;

/** The browsing commands' shared part ({@code ls}, {@code find}, {@code diff}): {@code --json}, {@code --host} and the browser. */
abstract class BrowseCommand extends BaseCommand {
    @Mixin
    JsonMixin output;

    @Mixin
    HostMixin hostOption;

    /** The snapshots of the config's host, or of {@code --host}. */
    SnapshotBrowser browser(Services s) {
        return new SnapshotBrowser(s.config(), s.restic(), hostOption.host);
    }
}
