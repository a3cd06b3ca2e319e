package org.cfs.backup.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the jar's version from its manifest. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"cfs-backup " + (v == null ? "dev" : v)};
    }
}
