package org.cfs.backup.rclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DriveErrorTest {

    static Stream<Path> fixtures() throws IOException, URISyntaxException {
        Path dir = Path.of(DriveErrorTest.class.getResource("/rclone/drive-errors").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertTrue(files.size() >= 12, "fixtures present");
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void classifiesRecordedLines(Path fixture) throws IOException {
        String expected = fixture.getFileName().toString().split("__")[0];
        String stderr = Files.readString(fixture);
        DriveError e = DriveError.classify(stderr);
        assertEquals(expected, e.code(), fixture.getFileName().toString());
        String reason = DriveError.reason(stderr);
        assertFalse(reason.isBlank());
        assertFalse(reason.matches("^\\d{4}/\\d{2}/\\d{2} .*"), "timestamp cut: " + reason);
        assertTrue(reason.length() <= 303);
    }

    @Test
    void adviceSaysWhatProductAsks() {
        assertTrue(DriveError.RATE_LIMIT.advice().contains("own client ID"));
        assertTrue(DriveError.INVALID_GRANT.advice().contains("7 days"));
        assertTrue(DriveError.INVALID_GRANT.advice().contains("publish"));
        assertTrue(DriveError.STORAGE_QUOTA.advice().contains("full"));
        assertTrue(DriveError.ABOUT_NOT_SUPPORTED.advice().contains("no 'about'"));
        assertTrue(DriveError.UPLOAD_LIMIT.advice().contains("750 GB"));
    }

    @Test
    void unknownForEmptyOrOther() {
        assertEquals(DriveError.UNKNOWN, DriveError.classify(""));
        assertEquals(DriveError.UNKNOWN, DriveError.classify(null));
        assertEquals(DriveError.UNKNOWN, DriveError.classify("Failed to about: something odd"));
    }

    @Test
    void reasonRedactsTokens() {
        String r = DriveError.reason("2026/11/20 03:00:00 Failed: bad token ya29.a0AfH6SMBxyz and 1//0gAbCdEf");
        assertFalse(r.contains("a0AfH6SMBxyz"));
        assertFalse(r.contains("0gAbCdEf"));
    }
}
