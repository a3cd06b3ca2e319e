package org.cfs.backup.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The man pages and completion come from the model that prints --help, and say what --help says. */
class ManPagesTest {
    private final Map<String, String> pages = new ManPages("9.9.9", "2026-11-22").render(ManPages.fullCommandLine());

    @Test
    void onePagePerCommandAndSubcommand() {
        assertTrue(pages.containsKey("cfs-backup"));
        for (String name : RootCommand.commandNames()) {
            assertTrue(pages.containsKey("cfs-backup-" + name), name + " has no page: " + pages.keySet());
        }
        assertTrue(pages.containsKey("cfs-backup-remote-setup"), pages.keySet().toString());
        String main = plain(pages.get("cfs-backup"));
        for (String name : RootCommand.commandNames()) {
            assertTrue(main.contains("cfs-backup-" + name + "(1)"), name + " not listed in cfs-backup(1)");
        }
    }

    @Test
    void everyOptionAndDescriptionLineOfHelpIsOnThePage() {
        for (Map.Entry<String, String> e : pages.entrySet()) {
            List<String> words = new ArrayList<>(List.of(e.getKey().split("-")));
            words.subList(0, 2).clear(); // "cfs", "backup"
            String help = help(words);
            String page = plain(e.getValue());
            // option names as --help lists them: "  -c, --config=FILE   text", "      --dry-run   text"
            Matcher m = Pattern.compile("(?m)^\\s+((?:-[A-Za-z], )?--?[a-z][a-z-]*)(?:[= ](\\S+))?\\s{2,}(.*)$").matcher(help);
            int options = 0;
            while (m.find()) {
                for (String n : m.group(1).split(", ")) {
                    assertTrue(page.contains(n), e.getKey() + ": option " + n + " missing");
                }
                if (m.group(2) != null) {
                    assertTrue(page.contains(m.group(1).replaceAll(".*, ", "") + (m.group(1).contains("--") ? "=" : " ")
                            + m.group(2)), e.getKey() + ": " + m.group(1) + " " + m.group(2) + " missing");
                }
                assertTrue(page.contains(m.group(3).strip()), e.getKey() + ": description '" + m.group(3) + "' missing");
                options++;
            }
            assertTrue(options >= 2, e.getKey() + ": parsed no options from\n" + help);
            String usage = help.substring("Usage: ".length(), help.indexOf('\n')).strip();
            assertTrue(page.contains(usage), e.getKey() + ": synopsis '" + usage + "' missing from\n" + page);
        }
    }

    @Test
    void roffHasNoUnescapedRequestsInText() {
        assertEquals("\\&.hidden", ManPages.text(".hidden"));
        assertEquals("a\\eb \\-\\-x", ManPages.escape("a\\b --x"));
        for (String page : pages.values()) {
            assertTrue(page.startsWith(".\\\" generated"));
            assertTrue(page.contains("\n.TH \""), page);
        }
    }

    @Test
    void completionCompletesEveryCommand() {
        String script = PackageFiles.completionScript(ManPages.fullCommandLine());
        assertTrue(script.contains("complete -F _complete_cfs-backup"), script.substring(0, 300));
        assertTrue(!script.startsWith("#!"), "a sourced script has no #! line");
        for (String name : RootCommand.commandNames()) {
            assertTrue(script.contains(name), name);
        }
    }

    @Test
    void sourceArgumentsCompleteToTheConfigsSourceNames(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("completion");
        Files.writeString(script, PackageFiles.completionScript(ManPages.fullCommandLine()));
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "sources:\n  - name: ollama\n    volume: v\n  - name: \"open-webui\"\n    path: /x\n"
                + "  -   name: mariadb\n    command: [x]\n");
        String words = "cfs-backup -c " + config + " backup o";
        Process p = new ProcessBuilder("bash", "-c", ". " + script + "; COMP_WORDS=(" + words + "); COMP_CWORD=4;"
                + " COMP_LINE='" + words + "'; COMP_POINT=${#COMP_LINE}; _complete_cfs-backup cfs-backup o backup 2>/dev/null;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("ollama\nopen-webui\n", out);
        // a command without SOURCE arguments offers no source names
        String w2 = "cfs-backup -c " + config + " quota o";
        Process q = new ProcessBuilder("bash", "-c", ". " + script + "; COMP_WORDS=(" + w2 + "); COMP_CWORD=4;"
                + " COMP_LINE='" + w2 + "'; COMP_POINT=${#COMP_LINE}; _complete_cfs-backup cfs-backup o quota 2>/dev/null;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"").redirectErrorStream(true).start();
        String out2 = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        q.waitFor();
        assertEquals("\n", out2);
    }

    @Test
    void packageFilesAreReproducibleGzip9nFiles(@TempDir Path dir) throws Exception {
        Instant t = Instant.parse("2026-11-22T00:00:00Z");
        PackageFiles.write(dir.resolve("a"), "1.0~SNAPSHOT", t, "x (@VERSION@)\n -- m  @DATE@\n");
        PackageFiles.write(dir.resolve("b"), "1.0~SNAPSHOT", t, "x (@VERSION@)\n -- m  @DATE@\n");
        byte[] a = Files.readAllBytes(dir.resolve("a/man/man1/cfs-backup.1.gz"));
        assertArrayEquals(a, Files.readAllBytes(dir.resolve("b/man/man1/cfs-backup.1.gz")));
        assertEquals(2, a[8], "XFL: maximum compression");
        assertEquals(0, a[4] | a[5] | a[6] | a[7], "no time in the header");
        String changelog = gunzip(Files.readAllBytes(dir.resolve("a/doc/changelog.gz")));
        assertEquals("x (1.0~SNAPSHOT)\n -- m  Sun, 22 Nov 2026 00:00:00 +0000\n", changelog);
        assertTrue(gunzip(a).contains(".TH \"CFS\\-BACKUP\" 1 \"2026\\-11\\-22\" \"cfs\\-backup 1.0~SNAPSHOT\""));
    }

    private static String gunzip(byte[] gz) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String help(List<String> words) {
        StringWriter out = new StringWriter();
        List<String> args = new ArrayList<>(words);
        args.add("--help");
        int code = Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), args.toArray(String[]::new));
        assertEquals(0, code);
        return out.toString();
    }

    /** The page's text as a reader sees it, roughly: escapes and font changes undone, lines joined. */
    private static String plain(String roff) {
        return roff.replace("\\fB", "").replace("\\fI", "").replace("\\fR", "").replace("\\-", "-").replace("\\e", "\\")
                .replace("\\&", "").replaceAll("(?m)^\\.BR (\\S+) \\(1\\)", "$1(1)").replaceAll("\n(?!\\.)", " ");
    }

}
