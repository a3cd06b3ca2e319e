package org.cfs.backup.cli;

import picocli.CommandLine.Option;

/** {@code --host NAME}: the snapshots of another host, as a rebuilt machine reads its old host's (issue 12). */
final class HostMixin {
    @Option(names = "--host", paramLabel = "NAME", description = "The snapshots of this host (default: the config's host).")
    String host;
}
