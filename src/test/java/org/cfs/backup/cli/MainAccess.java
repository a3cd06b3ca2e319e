package org.cfs.backup.cli;

import java.util.List;

/** The command names of this build, for tests outside the cli package. */
public final class MainAccess {
    private MainAccess() {
    }

    public static List<String> commandNames() {
        return RootCommand.commandNames();
    }
}
