package org.cfs.backup.restic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Golden files, the way google-java-format keeps its {@code .input}/{@code .output} pairs: what a
 * builder or parser gives is compared, exactly, with a file under {@code src/test/resources/golden/restic/}.
 * After a deliberate change, regenerate the files and review their diff before committing:
 * <pre>
 *   CFS_GOLDEN_UPDATE=1 mvn -B -q -o test -Dtest='Restic*GoldenTest' -Dsurefire.failIfNoSpecifiedTests=false
 *   git diff src/test/resources/golden/
 * </pre>
 */
final class Golden {
    static final Path DIR = Path.of("src/test/resources/golden/restic");

    private Golden() {
    }

    static boolean updating() {
        return "1".equals(System.getenv("CFS_GOLDEN_UPDATE")) || Boolean.getBoolean("golden.update");
    }

    /** Compares (or, when updating, writes) one golden file. */
    static void check(String file, String actual) {
        Path p = DIR.resolve(file);
        try {
            if (updating()) {
                Files.createDirectories(DIR);
                Files.writeString(p, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(p)) {
                fail("no golden file " + p + " (regenerate: CFS_GOLDEN_UPDATE=1, see Golden)\nactual:\n" + actual);
            }
            assertEquals(Files.readString(p, StandardCharsets.UTF_8), actual, "golden file " + p
                    + " (after a deliberate change: CFS_GOLDEN_UPDATE=1, see Golden)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every golden file with this suffix belongs to a case: a stale one (a case removed or renamed) fails. */
    static void noStaleFiles(String suffix, Collection<String> names) {
        if (updating()) {
            return;
        }
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> files = Files.list(DIR)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .forEach(n -> onDisk.add(n.substring(0, n.length() - suffix.length())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        onDisk.removeAll(names);
        assertEquals(Set.of(), onDisk, "golden files without a case");
    }
}
