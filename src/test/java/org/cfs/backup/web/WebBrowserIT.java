package org.cfs.backup.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium (Debian's chromium and chromium-driver, driven by
 * Selenium): log in, the dashboard names every source, browse a snapshot into a folder, download a
 * file and compare its bytes, start a backup and see it finish, a wrong password refused.
 * Screenshots land in target/web-screenshots/.
 */
class WebBrowserIT {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SHOTS = Path.of("target/web-screenshots");

    @TempDir
    Path tmp;
    WebFixture web;
    WebDriver driver;
    WebDriverWait wait;
    Path downloads;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM),
                "needs Debian's chromium and chromium-driver (bin/install-deps)");
        web = new WebFixture(tmp, 450);
        downloads = tmp.resolve("downloads");
        Files.createDirectories(downloads);
        Files.createDirectories(SHOTS);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--user-data-dir=" + tmp.resolve("chromium-profile"));
        o.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false, "safebrowsing.enabled", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (web != null) {
            web.close();
        }
    }

    private void shot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }

    private void login(String password) {
        WebElement pw = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password")));
        pw.clear();
        pw.sendKeys(password);
        driver.findElement(By.id("login-button")).click();
    }

    @Test
    void anOperatorLogsInBrowsesDownloadsAndBacksUp() throws Exception {
        try {
            walkThrough();
        } catch (Exception | AssertionError e) {
            shot("failure");
            throw e;
        }
    }

    private void walkThrough() throws Exception {
        driver.get(web.base + "/");
        wait.until(ExpectedConditions.urlToBe(web.base + "/login"));

        // a wrong password is refused
        login("not-the-password");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertTrue(error.getText().contains("Wrong password"), error.getText());
        assertTrue(driver.manage().getCookies().stream().noneMatch(c -> c.getName().equals(WebServer.COOKIE)));
        shot("login-refused");

        // the right one opens the dashboard, which names every source with its state
        login(WebFixture.WEB_PASSWORD);
        WebElement headline = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("headline")));
        assertTrue(headline.getText().contains("sources fresh") || headline.getText().contains("problem"), headline.getText());
        for (String s : List.of("data", "settings")) {
            WebElement row = driver.findElement(By.cssSelector("tr.source-row[data-source='" + s + "']"));
            assertTrue(row.getText().contains("ok"), row.getText());
        }
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#charts .chart")));
        Thread.sleep(500); // the charts draw after their data arrives
        shot("dashboard");

        // snapshots: open the newest, walk into a folder, download a file
        driver.findElement(By.id("nav-snapshots")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#snapshot-list a.snap"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#entries tr.entry[data-name='docs'] a.dir")))
                .click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#entries tr.entry[data-name='blob.bin']")));
        assertTrue(driver.findElement(By.id("crumbs")).getText().contains("docs"));
        shot("browse-folder");
        driver.findElement(By.cssSelector("#entries tr.entry[data-name='blob.bin'] a.download")).click();
        Path file = downloads.resolve("blob.bin");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(Files.exists(file) && Files.size(file) == web.blob.length) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertArrayEquals(web.blob, Files.readAllBytes(file), "downloaded bytes differ from the source's");

        // a large folder pages: 200 entries, then "More..."
        driver.get(web.base + "/#snapshots?source=data");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#snapshot-list a.snap"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#entries tr.entry[data-name='many'] a.dir")))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("entry-count"), "200 entries (more)"));
        driver.findElement(By.id("more")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("entry-count"), "400 entries (more)"));
        driver.findElement(By.id("more")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("entry-count"), "450 entries"));

        // actions: back up a source now and see the job finish
        driver.findElement(By.id("nav-actions")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.backup[data-source='settings']"))).click();
        new WebDriverWait(driver, Duration.ofMinutes(3)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#jobs tr.job .job-state"), "ok"));
        shot("actions");
        // ... and on the dashboard: the job's snapshot is the source's last backup
        String detail = driver.findElement(By.cssSelector("#jobs tr.job td:last-child")).getText();
        String snap = detail.substring(detail.lastIndexOf(' ') + 1);
        driver.findElement(By.id("nav-dashboard")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("headline")));
        assertTrue(snap.matches("[0-9a-f]{8}"), detail);
        String status = driver.findElement(By.id("sources")).getText();
        assertTrue(status.contains("settings"), status);

        // history, filtered by job
        driver.get(web.base + "/#history?job=backup&source=settings");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#history tr.run")));
        List<WebElement> runs = driver.findElements(By.cssSelector("#history tr.run"));
        assertEquals(2, runs.size(), "the fixture's backup and the console's");
        assertTrue(runs.get(0).getText().contains(snap), runs.get(0).getText());
        shot("history");

        // the change since the previous snapshot
        driver.get(web.base + "/#snapshots?source=settings");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#snapshot-list a.compare"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("diff-summary")));
        shot("diff");

        // restore a file from a snapshot into a folder the operator names; the job's progress, then its result
        driver.get(web.base + "/#snapshots?source=data");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#snapshot-list a.snap"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#entries tr.entry[data-name='docs'] a.dir")))
                .click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#entries tr.entry[data-name='blob.bin'] button.restore")))
                .click();
        Path target = tmp.resolve("restored-in-browser");
        WebElement targetInput = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("restore-target")));
        targetInput.sendKeys("relative/folder");
        driver.findElement(By.id("restore-go")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("restore-message"), "not an absolute path"));
        targetInput.clear();
        targetInput.sendKeys(target.toString());
        driver.findElement(By.id("restore-go")).click();
        new WebDriverWait(driver, Duration.ofMinutes(3)).until(ExpectedConditions.attributeToBe(By.id("restore-message"),
                "data-state", "ok"));
        String result = driver.findElement(By.id("restore-message")).getText();
        assertTrue(result.contains("restored 1 files") && result.contains(target.toString()), result);
        shot("restore-file");
        assertArrayEquals(web.blob, Files.readAllBytes(target.resolve("docs/blob.bin")), "restored bytes differ");

        // in place: a wrong name does nothing; the source's name typed restores it
        Path conf = tmp.resolve("other/app.conf");
        Files.writeString(conf, "x=changed in the browser IT\n");
        driver.findElement(By.id("nav-actions")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.restore-in-place[data-source='settings']")))
                .click();
        WebElement confirm = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("restore-confirm")));
        confirm.sendKeys("setting");
        driver.findElement(By.id("restore-go")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("restore-message"), "type the source's name"));
        shot("restore-in-place-refused");
        assertEquals("x=changed in the browser IT\n", Files.readString(conf), "a wrong name changed the live data");
        confirm.sendKeys("s");
        driver.findElement(By.id("restore-go")).click();
        new WebDriverWait(driver, Duration.ofMinutes(3)).until(ExpectedConditions.attributeToBe(By.id("restore-message"),
                "data-state", "ok"));
        String inPlace = driver.findElement(By.id("restore-message")).getText();
        assertTrue(inPlace.contains("previous state saved as snapshot"), inPlace);
        assertEquals("x=1\n", Files.readString(conf));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#jobs tr.job .job-detail"), "restored"));
        shot("restore-in-place");

        // log out (a form post carrying the CSRF token): the API is closed again
        driver.findElement(By.cssSelector("#logout-form button")).click();
        wait.until(ExpectedConditions.urlToBe(web.base + "/login"));
        driver.get(web.base + "/api/status");
        assertTrue(driver.getPageSource().contains("log in first"), driver.getPageSource());
    }
}
