package org.cfs.backup.cli;

import picocli.CommandLine.Option;

/** The {@code --json} option of every command that reports: one JSON document on stdout, logs on stderr. */
final class JsonMixin {
    @Option(names = "--json", description = "Print one JSON document on stdout.")
    boolean json;
}
