// Drives headless Chromium through the real Hawtio console (../shared/tools/hawtio) to the JMX view of the pipeline's
// step counts: presets a Connect-plugin connection to JOLOKIA_URL, opens JMX > org.apache.camel > <context> > steps,
// selects one step (shot.step, default "ingest/filter-readings"), waits for its Attributes and saves a screenshot.
// Prints the steps Hawtio lists and the selected step's attributes (stdout).
//   java -cp "SHOTLIB/*" StepsShot.java HAWTIO_URL JOLOKIA_URL OUT.png
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

public class StepsShot {
    static final String CONN_ID = "pipeline-jolokia";
    static final String NODE_TEXT = "//button[contains(@class,'tree-view__node-text')]";

    public static void main(String[] args) throws Exception {
        Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
        String hawtio = args[0].replaceAll("/+$", "");
        URI jolokia = URI.create(args[1]);
        Path out = Path.of(args[2]).toAbsolutePath();
        int timeoutS = Integer.getInteger("shot.timeoutS", 60);
        String step = System.getProperty("shot.step", "ingest/filter-readings");
        int width = Integer.getInteger("shot.width", 1400);
        int height = Integer.getInteger("shot.height", 900);
        Path profile = Files.createTempDirectory("hawtio-steps-chromium-");
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        WebDriver d = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build(), o);
        int rc = 1;
        try {
            d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(timeoutS));
            JavascriptExecutor js = (JavascriptExecutor) d;
            d.get(hawtio + "/");
            int port = jolokia.getPort() > 0 ? jolokia.getPort() : 80;
            js.executeScript("const c = {}; c[arguments[0]] = {id: arguments[0], name: arguments[1], scheme: arguments[2],"
                    + " host: arguments[3], port: arguments[4], path: arguments[5]};"
                    + " localStorage.setItem('connect.connections', JSON.stringify(c));",
                    CONN_ID, jolokia.getHost() + ":" + port, jolokia.getScheme(), jolokia.getHost(), port,
                    jolokia.getRawPath());
            d.get(hawtio + "/jmx?con=" + CONN_ID);
            // the tree's search box opens the folders down to the matching MBeans
            WebElement search = waitFor(timeoutS, () -> d.findElements(By.cssSelector("input[type='search']")).stream()
                    .findFirst().orElse(null));
            if (search == null) {
                System.err.println("steps-shot: no tree search box; page says: " + text(d));
                save(d, out);
                return;
            }
            Thread.sleep(2000); // the tree is loaded
            search.sendKeys(step.substring(step.indexOf('/') + 1));
            Thread.sleep(1500);
            WebElement leaf = waitFor(timeoutS, () -> {
                List<WebElement> nodes = d.findElements(By.xpath("//li[@role='treeitem']/div" + NODE_TEXT
                        + "[contains(normalize-space(), '" + step + "')]"));
                return nodes.isEmpty() ? null : nodes.get(0);
            });
            if (leaf == null) {
                System.err.println("steps-shot: no step " + step + "; page says: " + text(d));
                save(d, out);
                return;
            }
            leaf.click();
            Thread.sleep(Integer.getInteger("shot.waitMs", 4000));
            save(d, out);
            System.out.println(text(d).replaceAll("\\s+", " "));
            rc = 0;
        } finally {
            d.quit();
            System.exit(rc);
        }
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    static <T> T waitFor(int timeoutS, Probe<T> probe) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutS * 1000L;
        while (System.currentTimeMillis() < deadline) {
            try {
                T v = probe.get();
                if (v != null) {
                    return v;
                }
            } catch (Exception ignored) {
                // still rendering
            }
            Thread.sleep(500);
        }
        return null;
    }

    static String text(WebDriver d) {
        try {
            String body = d.findElement(By.tagName("main")).getText();
            return body.length() > 3000 ? body.substring(0, 3000) : body;
        } catch (Exception e) {
            return "(no main: " + e + ")";
        }
    }

    static void save(WebDriver d, Path png) throws Exception {
        Files.write(png, ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
        System.err.println("steps-shot: saved " + png);
    }
}
