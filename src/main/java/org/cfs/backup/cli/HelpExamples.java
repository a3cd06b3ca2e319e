package org.cfs.backup.cli;

import java.util.Map;

/** The examples at the end of each command's {@code --help}: what an operator types, with the why. */
final class HelpExamples {
    private static final Map<String, String> EXAMPLES = Map.ofEntries(
            Map.entry("init", "  cfs-backup init                        # create the repository, check the remote"),
            Map.entry("backup", "  cfs-backup backup                      # every source\n"
                    + "  cfs-backup backup open-webui mariadb   # two of them\n"
                    + "  cfs-backup backup --dry-run --json     # what would run; touches nothing"),
            Map.entry("snapshots", "  cfs-backup snapshots open-webui\n  cfs-backup snapshots --json"),
            Map.entry("restore", "  cfs-backup restore open-webui --target /srv/restore   # into an empty folder\n"
                    + "  cfs-backup restore open-webui --dry-run             # preview an in-place restore\n"
                    + "  cfs-backup restore open-webui --yes                 # in place (a pre-restore snapshot first)\n"
                    + "  cfs-backup restore mariadb --target /root           # the dump file"),
            Map.entry("drill", "  cfs-backup drill                       # stream-verify the latest snapshots\n"
                    + "  cfs-backup drill --full open-webui     # restore for real into scratch, verify, measure"),
            Map.entry("check", "  cfs-backup check\n  cfs-backup check --read-data-subset 10%"),
            Map.entry("prune", "  cfs-backup prune --dry-run            # what retention would forget\n  cfs-backup prune"),
            Map.entry("status", "  cfs-backup status\n  cfs-backup status --json | jq .sources\n  cfs-backup status --fleet"),
            Map.entry("quota", "  cfs-backup quota\n  cfs-backup quota --json"),
            Map.entry("audit", "  cfs-backup audit\n  cfs-backup audit --json"),
            Map.entry("daemon", "  systemctl enable --now cfs-backup      # the unit runs: cfs-backup daemon"),
            Map.entry("remote setup", "  cfs-backup remote setup --client-id ID.apps.googleusercontent.com --client-secret-file F"),
            Map.entry("remote verify", "  cfs-backup remote verify"));

    private HelpExamples() {
    }

    /** The examples of a command ({@code backup}, {@code remote setup}), or null. */
    static String of(String command) {
        return EXAMPLES.get(command);
    }
}
