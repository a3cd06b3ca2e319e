package org.cfs.backup.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Build-time generator of the .deb's derived files (run by {@code mvn package}, see pom.xml's
 * "packaging: .deb" block): the man pages ({@link ManPages}), bash completion (picocli's
 * {@link AutoComplete}) and the changelog ({@code changelog.gz}: the
 * package is native, its version is the pom's, so Policy 12.7 names it so, not changelog.Debian.gz). Output is byte-for-byte reproducible:
 * dates come from {@code project.build.outputTimestamp}, gzip headers carry no time or name.
 *
 * <p>Usage: {@code PackageFiles OUT_DIR DEB_VERSION OUTPUT_TIMESTAMP CHANGELOG_TEMPLATE}
 */
public final class PackageFiles {
    private PackageFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: PackageFiles OUT_DIR DEB_VERSION OUTPUT_TIMESTAMP CHANGELOG_TEMPLATE");
        }
        Path out = Path.of(args[0]);
        String version = args[1];
        Instant when = Instant.parse(args[2]);
        write(out, version, when, Files.readString(Path.of(args[3])));
    }

    static void write(Path out, String version, Instant when, String changelogTemplate) throws IOException {
        CommandLine cl = ManPages.fullCommandLine();
        Path man = out.resolve("man/man1");
        Files.createDirectories(man);
        String date = DateTimeFormatter.ISO_LOCAL_DATE.format(when.atZone(ZoneOffset.UTC));
        for (Map.Entry<String, String> page : new ManPages(version, date).render(cl).entrySet()) {
            Files.write(man.resolve(page.getKey() + ".1.gz"), gzip(page.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        Path completion = out.resolve("completion");
        Files.createDirectories(completion);
        Files.writeString(completion.resolve("cfs-backup"), completionScript(cl));
        Path doc = out.resolve("doc");
        Files.createDirectories(doc);
        String rfc2822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT)
                .format(when.atZone(ZoneOffset.UTC));
        String changelog = changelogTemplate.replace("@VERSION@", version).replace("@DATE@", rfc2822);
        Files.write(doc.resolve("changelog.gz"), gzip(changelog.getBytes(StandardCharsets.UTF_8)));
    }

    /** picocli's bash (and zsh) completion script for every command and option. */
    static String completionScript(CommandLine cl) {
        String script = AutoComplete.bash("cfs-backup", cl);
        // sourced by bash-completion, never run: no #! line (lintian bash-completion-with-hashbang)
        script = script.startsWith("#!") ? script.substring(script.indexOf('\n') + 1) : script;
        // SOURCE arguments complete to the source names of the config (picocli knows only static candidates)
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            boolean takesSources = e.getValue().getCommandSpec().positionalParameters().stream()
                    .anyMatch(p -> p.paramLabel().equals("SOURCE"));
            if (takesSources) {
                script = withSourceNames(script, "_picocli_cfs-backup_" + e.getKey());
            }
        }
        return script + SOURCE_NAMES;
    }

    private static String withSourceNames(String script, String function) {
        int start = script.indexOf("function " + function + "() {");
        if (start < 0) {
            return script;
        }
        int end = script.indexOf("\n}\n", start);
        String body = script.substring(start, end).replace("local positionals=\"\"", "local positionals=$(_cfs_backup_source_names)");
        return script.substring(0, start) + body + script.substring(end);
    }

    /** The source names of the config named by -c/--config on the line, $CFS_BACKUP_CONFIG or the default path. */
    private static final String SOURCE_NAMES = """

            # cfs-backup: SOURCE arguments complete to the config's source names (readable configs only)
            function _cfs_backup_source_names() {
              local config=${CFS_BACKUP_CONFIG:-/etc/cfs-backup/config.yaml} i
              for ((i = 1; i < COMP_CWORD; i++)); do
                case ${COMP_WORDS[i]} in
                  -c|--config) config=${COMP_WORDS[i+1]} ;;
                  --config=*) config=${COMP_WORDS[i]#--config=} ;;
                esac
              done
              [ -r "$config" ] || return 0
              sed -n 's/^[[:space:]]*-[[:space:]]*name:[[:space:]]*["'\\'']\\{0,1\\}\\([A-Za-z0-9][A-Za-z0-9._-]*\\).*/\\1/p' "$config"
            }
            """;

    /**
     * gzip at maximum compression with no name and no time in the header (what {@code gzip -9n}
     * writes, and what lintian asks of man pages and changelogs).
     */
    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        // magic, deflate, no flags, mtime 0, XFL 2 (maximum compression), OS 3 (Unix)
        buf.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try (DeflaterOutputStream d = new DeflaterOutputStream(new NonClosing(buf), deflater)) {
            d.write(data);
        } finally {
            deflater.end();
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        writeIntLe(buf, (int) crc.getValue());
        writeIntLe(buf, data.length);
        return buf.toByteArray();
    }

    private static void writeIntLe(ByteArrayOutputStream b, int v) {
        b.write(v);
        b.write(v >>> 8);
        b.write(v >>> 16);
        b.write(v >>> 24);
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
