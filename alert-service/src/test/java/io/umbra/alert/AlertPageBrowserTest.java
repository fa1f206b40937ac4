package io.umbra.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.umbra.events.TenantId;
import io.umbra.events.score.Score;
import io.umbra.kafka.local.KafkaLocalTestResource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The analyst page in a real browser: headless Chromium driven over WebDriver by the system's chromedriver
 * (Debian's {@code chromium} and {@code chromium-driver}; {@code .ci/run} installs them). One walk through what
 * an analyst does, with a screenshot of each step in {@code target/browser-screenshots/}:
 * <ol>
 *   <li>opens a sign-in link ({@code /#login=<token>}): signed in, live, the token gone from the address bar, and the
 *       link spent: its token from outside this browser, or claimed again, is refused;</li>
 *   <li>a planted fraud is scored: its alert appears in the open page by the live stream, without a reload;</li>
 *   <li>opens it: the transaction, the rule and score, the card's earlier transactions;</li>
 *   <li>acknowledges it with a note: the page and the API show who and when;</li>
 *   <li>another bank's analyst follows a link to that alert: the 403 problem is shown, and nothing of the alert.</li>
 * </ol>
 * Without a browser the test is skipped with the reason, unless {@code UMBRA_BROWSER_TEST=required} (set by .ci/run),
 * which makes a missing browser a failure.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaLocalTestResource.class, initArgs = @ResourceArg(name = "topics",
        value = "acme.scores:2,acme.alerts:2,acme.alert.dlq"))
@QuarkusTestResource(TestCredentials.class)
class AlertPageBrowserTest {
    static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TenantId ACME = TenantId.of("acme");

    @TestHTTPResource("/")
    URL page;

    private ChromeDriverService service;
    private WebDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void anAnalystSignsInSeesAFraudLiveOpensAndAcknowledgesItAndAnotherBankIsRefused() throws Exception {
        startBrowser();
        String acmeLink = TestCredentials.issuer().issuePageLink("acme", "acme-analyst", Duration.ofMinutes(10));

        // 1. the sign-in link: signed in, live, the token out of the address bar and in this tab's storage only
        browser.get(page + "#login=" + acmeLink);
        await("signed in as acme's analyst", () -> text("who").contains("signed in as acme-analyst"));
        await("the live stream open", () -> text("live").equals("live"));
        String address = browser.getCurrentUrl();
        assertFalse(address.contains("login=") || address.contains(acmeLink), "the token left the address bar: " + address);
        assertEquals(acmeLink, js("return sessionStorage.getItem('umbra.token')"));
        assertFalse(browser.getPageSource().contains(acmeLink), "the token is nowhere in the page");
        // one-time: the link is claimed by this browser; the same token from anywhere else, or a second claim, is refused
        given().auth().oauth2(acmeLink).get("/alerts").then().statusCode(401)
                .body("detail", org.hamcrest.Matchers.equalTo("this sign-in link's token works only in the browser that opened the link"));
        given().auth().oauth2(acmeLink).post("/alerts/session").then().statusCode(401)
                .body("detail", org.hamcrest.Matchers.equalTo("this sign-in link was used already: ask for a new one"));
        screenshot("01-signed-in");

        // 2. a planted fraud, after two ordinary transactions of the same card: its alert appears live
        String run = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        String card = run + "-card";
        Instant t0 = Instant.now().minusSeconds(300);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, score(run + "-coffee", card, 0.01, 450, "m-cafe", t0));
            send(producer, score(run + "-groceries", card, 0.03, 6_420, "m-grocer", t0.plusSeconds(60)));
            send(producer, score(run + "-fraud", card, 0.98, 249_900, "m-electronics", t0.plusSeconds(240)));
        }
        UUID alertId = AlertIds.of(ACME, run + "-fraud");
        By row = By.cssSelector("#alerts tr[data-id='" + alertId + "']");
        await("the planted fraud's alert in the list", () -> !browser.findElements(row).isEmpty());
        WebElement fraudRow = browser.findElement(row);
        assertTrue(fraudRow.getAttribute("class").contains("new"), "it came by the live stream, not by a reload");
        assertTrue(fraudRow.getText().contains(run + "-fraud") && fraudRow.getText().contains("2499.00 EUR"), fraudRow.getText());
        screenshot("02-fraud-arrives-live");

        // 3. its detail: the transaction, rule and score, and the card's recent transactions, this one marked
        fraudRow.click();
        await("the detail of the alert", () -> text("dTransaction").equals(run + "-fraud"));
        await("the card's transactions", () -> browser.findElements(By.cssSelector("#cardTransactions tr")).size() == 3);
        assertEquals("score-above-0.9", text("dRule"));
        assertEquals("0.9800", text("dScore"));
        assertEquals("OPEN", text("dStatus"));
        assertEquals(List.of(run + "-fraud", run + "-groceries", run + "-coffee"), browser.findElements(By.cssSelector("#cardTransactions tr"))
                .stream().map(e -> e.getAttribute("data-tx")).toList());
        assertEquals(run + "-fraud", browser.findElement(By.cssSelector("#cardTransactions tr.this")).getAttribute("data-tx"));
        screenshot("03-alert-detail");

        // 4. acknowledge with a note: who and when, in the page and in the API
        browser.findElement(By.id("note")).sendKeys("calling the card holder");
        browser.findElement(By.id("ack")).click();
        await("acknowledged", () -> text("dStatus").equals("ACKNOWLEDGED"));
        assertTrue(text("dAcknowledged").startsWith("acme-analyst, "), text("dAcknowledged"));
        var stored = given().auth().oauth2(TestCredentials.analyst("acme")).get("/alerts/" + alertId).then().statusCode(200).extract().jsonPath();
        assertEquals("ACKNOWLEDGED", stored.getString("status"));
        assertEquals("acme-analyst", stored.getString("acknowledgedBy"));
        screenshot("04-acknowledged");

        // 5. another bank's analyst follows a link to this alert: refused, with the problem shown and nothing of the alert
        String globexLink = TestCredentials.issuer().issuePageLink("globex", "globex-analyst", Duration.ofMinutes(10));
        browser.get(page + "#login=" + globexLink + "&alert=" + alertId);
        await("the refusal shown", () -> browser.findElement(By.id("problem")).isDisplayed()
                && text("problemDetail").contains("token issued for tenant globex, this is acme"));
        assertTrue(text("problemTitle").contains("Refused (403"), text("problemTitle"));
        assertFalse(browser.findElement(By.id("detail")).isDisplayed(), "no detail of another bank's alert");
        assertTrue(browser.findElements(By.cssSelector("#alerts tr")).isEmpty(), "and no alert list");
        assertFalse(browser.getPageSource().contains(run + "-fraud"), "nothing of the alert anywhere in the page");
        assertFalse(browser.getCurrentUrl().contains(globexLink));
        assertEquals("not signed in to this bank", text("who"), "acme's session is gone from the page");
        screenshot("05-other-bank-refused");
        assertEquals("ACKNOWLEDGED", given().auth().oauth2(TestCredentials.analyst("acme")).get("/alerts/" + alertId)
                .then().extract().path("status"), "the refused bank changed nothing");
    }

    // --- the browser ---

    private void startBrowser() throws IOException {
        Optional<Path> driver = executable(System.getenv("UMBRA_CHROMEDRIVER"), "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Optional<Path> chromium = executable(System.getenv("UMBRA_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome");
        String missing = driver.isEmpty() ? "chromedriver" : chromium.isEmpty() ? "chromium" : null;
        if (missing != null) {
            String why = "no " + missing + " found (Debian: apt-get install chromium chromium-driver; or set UMBRA_CHROMIUM and "
                    + "UMBRA_CHROMEDRIVER): the analyst page's browser test is skipped";
            if ("required".equals(System.getenv("UMBRA_BROWSER_TEST"))) {
                fail(why.replace("is skipped", "is required here (UMBRA_BROWSER_TEST=required)"));
            }
            assumeTrue(false, why);
        }
        Files.createDirectories(SCREENSHOTS);
        try (Stream<Path> old = Files.list(SCREENSHOTS)) {
            for (Path p : old.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Path profile = Files.createTempDirectory(Path.of("target"), "chromium-profile-");
        // the system's chromedriver, named here: Selenium Manager is never asked (it would try to download one)
        service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile()).usingAnyFreePort()
                .withLogFile(SCREENSHOTS.resolve("chromedriver.log").toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1500,1000", "--user-data-dir=" + profile.toAbsolutePath());
        browser = new ChromeDriver(service, options);
    }

    /** The first executable of {@code candidates}; a path set in the environment (the first) is the only one tried. */
    private static Optional<Path> executable(String fromEnvironment, String... candidates) {
        Stream<String> tried = fromEnvironment != null && !fromEnvironment.isBlank() ? Stream.of(fromEnvironment) : Stream.of(candidates);
        return tried.map(Path::of).filter(Files::isExecutable).findFirst();
    }

    private void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText().trim();
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /** Waits until {@code done}; the deadline only ends a test that would otherwise hang, with what it waited for. */
    private void await(String what, java.util.function.BooleanSupplier done) {
        try {
            new WebDriverWait(browser, WAIT, Duration.ofMillis(100)).until((ExpectedCondition<Boolean>) d -> done.getAsBoolean());
        } catch (org.openqa.selenium.TimeoutException e) {
            String problem = browser.findElements(By.id("problem")).stream().filter(WebElement::isDisplayed).map(WebElement::getText)
                    .findFirst().orElse("(none)");
            fail("waited " + WAIT.toSeconds() + " s for " + what + "; the page's problem banner: " + problem);
        }
    }

    // --- Kafka ---

    private static KafkaProducer<byte[], byte[]> producer() {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] score(String tx, String card, double p, long amountMinor, String merchant, Instant t) {
        double logit = Math.log(p / (1 - p));
        return new Score(ACME, tx, card, amountMinor, "EUR", merchant, p, logit, "logreg-fraud", 4, t, t.plusMillis(500),
                t.plusMillis(700), t.plusMillis(800)).toJson();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, byte[] score) throws Exception {
        String tx = Score.fromJson(score).transactionId();
        producer.send(new ProducerRecord<>("acme.scores", tx.getBytes(StandardCharsets.UTF_8), score)).get(10, TimeUnit.SECONDS);
    }
}
