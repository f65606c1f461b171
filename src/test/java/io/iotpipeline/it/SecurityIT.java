package io.iotpipeline.it;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import io.iotpipeline.TestEvent;
import io.iotpipeline.ingest.EventJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacks of a client on the same network, replayed over real HTTP against the packaged jar on the production path
 * (the deployed profile, {@link ProductionPath}): each test is one finding of the security review and asserts the safe
 * answer. After each test every route is still Started, and no response carried a secret.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {

    private static final String CONTEXT = "org.apache.camel:context=iot-pipeline";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> answers = Collections.synchronizedList(new ArrayList<>());
    private ProductionPath path;
    private Process pipeline;

    @BeforeAll
    void startPipeline() throws Exception {
        path = new ProductionPath("security-it");
        // files an attacker would go for in the working directory, as the Docker image has them
        Files.createDirectories(path.workDir.resolve("config"));
        Files.writeString(path.workDir.resolve("config/pipeline.properties"), "db.password=" + path.dbPassword);
        Files.writeString(path.workDir.resolve("secret.txt"), path.apiKey);
        pipeline = path.startPipeline("pipeline", List.of("-Dsimulator.eventsPerSecond=20",
                "-Dhttp.idleTimeoutSeconds=3"));
        path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
    }

    @AfterEach
    void everyRouteStillStartedAndNoSecretShown() throws Exception {
        JsonNode routes = json(send(path.asOperator(pipeline, "/observe/jolokia/read/" + CONTEXT
                + ",type=routes,name=*/State").build()));
        assertTrue(routes.path("value").size() >= 5, "routes listed: " + routes);
        routes.path("value").forEach(route -> assertEquals("Started", route.path("State").asText(), routes::toString));
        for (String answer : answers) {
            for (String secret : path.secrets()) {
                assertFalse(answer.contains(secret), "a response showed a secret: " + abbreviate(answer));
            }
        }
        path.assertNoSecretInLogs();
    }

    @AfterAll
    void stop() throws Exception {
        if (path != null) {
            path.close();
        }
    }

    // ---- 1. nobody can stop the pipeline through Jolokia ----

    @Test
    void jolokiaRefusesEveryOperationThatChangesStateOrReachesTheJdk() throws Exception {
        String progress = CONTEXT + ",type=routes,name=\"progress\"";
        String ingest = CONTEXT + ",type=routes,name=\"ingest\"";
        List<String> attacks = List.of(
                exec(progress + ",*", "stop()"),
                exec(ingest + ",*", "stop()"),
                exec(ingest, "stop()"),
                exec(ingest + ",*", "stop"),
                exec(CONTEXT + ",type=context,*", "stop()"),
                exec("com.sun.management:type=DiagnosticCommand,*", "gcRun()"),
                exec("com.sun.management:type=DiagnosticCommand", "gcRun()"),
                "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\","
                        + "\"operation\":\"dumpHeap(java.lang.String,boolean)\",\"arguments\":[\""
                        + path.workDir.resolve("heap.hprof") + "\",true]}",
                "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic,*\","
                        + "\"operation\":\"dumpHeap\",\"arguments\":[\"" + path.workDir.resolve("heap2.hprof") + "\",true]}",
                exec("jdk.management.jfr:type=FlightRecorder", "newRecording()"),
                exec("jdk.management.jfr:type=FlightRecorder,*", "newRecording()"),
                exec("java.lang:type=Memory", "gc()"),
                exec("java.lang:type=Memory,*", "gc()"),
                "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Threading\",\"operation\":\"dumpAllThreads(boolean,boolean)\","
                        + "\"arguments\":[true,true]}",
                "{\"type\":\"exec\",\"mbean\":\"" + jsonEscape(CONTEXT + ",type=context,name=\"iot-pipeline\"")
                        + "\",\"operation\":\"canSendToEndpoint(java.lang.String)\",\"arguments\":[\"file:/tmp/x\"]}",
                "{\"type\":\"write\",\"mbean\":\"" + jsonEscape(ingest) + "\",\"attribute\":\"Tracing\",\"value\":true}",
                "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"InputArguments\"}",
                "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"SystemProperties\"}",
                "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime,*\",\"attribute\":\"SystemProperties\"}",
                "{\"type\":\"notification\",\"command\":\"register\"}",
                "{\"type\":\"exec\",\"mbean\":\"ch.qos.logback.classic:Name=default,Type=ch.qos.logback.classic.jmx.JMXConfigurator\","
                        + "\"operation\":\"setLoggerLevel(java.lang.String,java.lang.String)\",\"arguments\":[\"ROOT\",\"OFF\"]}");
        List<String> allowedThrough = new ArrayList<>();
        for (String attack : attacks) {
            HttpResponse<String> answer = send(path.asOperator(pipeline, "/observe/jolokia").POST(
                    HttpRequest.BodyPublishers.ofString(attack)).build());
            if (!refused(answer)) {
                allowedThrough.add(attack + " -> " + answer.statusCode() + " " + abbreviate(answer.body()));
            }
        }
        // the same through the GET form
        for (String get : List.of("/observe/jolokia/exec/" + ingest + ",*/stop()",
                "/observe/jolokia/exec/com.sun.management:type=DiagnosticCommand,*/gcRun()",
                "/observe/jolokia/read/java.lang:type=Runtime/SystemProperties")) {
            HttpResponse<String> answer = send(path.asOperator(pipeline, get.replace("\"", "%22")).build());
            if (!refused(answer)) {
                allowedThrough.add("GET " + get + " -> " + answer.statusCode() + " " + abbreviate(answer.body()));
            }
        }
        // bulk requests are capped
        String bulk = "[" + String.join(",", Collections.nCopies(20, "{\"type\":\"exec\",\"mbean\":\""
                + jsonEscape(CONTEXT + ",type=context,name=\"iot-pipeline\"") + "\",\"operation\":\"dumpRoutesStatsAsXml(boolean,boolean)\","
                + "\"arguments\":[true,true]}")) + "]";
        HttpResponse<String> bulkAnswer = send(path.asOperator(pipeline, "/observe/jolokia")
                .POST(HttpRequest.BodyPublishers.ofString(bulk)).build());
        if (!refused(bulkAnswer)) {
            allowedThrough.add("bulk of 20 -> " + bulkAnswer.statusCode() + ", " + bulkAnswer.body().length() + " chars");
        }
        assertEquals(List.of(), allowedThrough, "Jolokia requests that should have been refused");
        assertFalse(Files.exists(path.workDir.resolve("heap.hprof")) || Files.exists(path.workDir.resolve("heap2.hprof")),
                "no heap dump was written");

        // what Hawtio needs still works: the route list, the route XML, statistics, memory
        JsonNode xml = json(send(path.asOperator(pipeline, "/observe/jolokia").POST(HttpRequest.BodyPublishers.ofString(
                "{\"type\":\"exec\",\"mbean\":\"" + jsonEscape(CONTEXT + ",type=context,name=\"iot-pipeline\"")
                        + "\",\"operation\":\"dumpRoutesAsXml()\"}")).build()));
        assertEquals(200, xml.path("status").asInt(), xml::toString);
        assertTrue(xml.path("value").asText().contains("id=\"ingest\""), "the routes' XML");
        JsonNode heap = json(send(path.asOperator(pipeline,
                "/observe/jolokia/read/java.lang:type=Memory/HeapMemoryUsage").build()));
        assertTrue(heap.path("value").path("used").asLong() > 0, heap::toString);
        System.out.printf("security: jolokia: %d state-changing, JDK or pattern requests and one bulk of 20 refused;"
                + " Hawtio's reads allowed%n", attacks.size() + 3);
    }

    // ---- 2. only the dashboard's own files are served ----

    @Test
    void onlyTheDashboardsOwnFilesAreServed() throws Exception {
        List<String> served = new ArrayList<>();
        for (String file : List.of("/application.properties", "/logback.xml", "/jolokia-access.xml",
                "/sql/V1__create_iot_device_events.sql", "/io/iotpipeline/Application.class", "/config/pipeline.properties",
                "/secret.txt", "/proc/self/environ", "/../secret.txt", "/%2e%2e/secret.txt", "/META-INF/MANIFEST.MF",
                "/spring.properties", "/META-INF/resources/index.html")) {
            HttpResponse<String> answer = send(path.asReader(pipeline, file).build());
            if (answer.statusCode() != 404) {
                served.add(file + " -> " + answer.statusCode());
            }
        }
        assertEquals(List.of(), served, "files other than the dashboard's");
        HttpResponse<String> dashboard = send(path.asReader(pipeline, "/").build());
        assertEquals(200, dashboard.statusCode());
        assertTrue(dashboard.body().contains("dashboard.js"), "the dashboard page");
        assertEquals(200, send(path.asReader(pipeline, "/dashboard.js").build()).statusCode());
    }

    // ---- 3. no request header or query parameter comes back as a response header ----

    @Test
    void noRequestHeaderOrQueryParameterIsCopiedIntoAResponse() throws Exception {
        List<String> echoed = new ArrayList<>();
        for (String endpoint : List.of("/api/openapi.json", "/api/devices", "/api/status", "/", "/api/nothing-here",
                "/observe/health", "/observe/metrics")) {
            HttpRequest.Builder request = endpoint.startsWith("/observe")
                    ? path.asOperator(pipeline, endpoint + "?Set-Cookie=evil%3D1&Location=http://evil&Access-Control-Allow-Origin=*&X-Probe=q")
                    : path.asReader(pipeline, endpoint + "?Set-Cookie=evil%3D1&Location=http://evil&Access-Control-Allow-Origin=*&X-Probe=q");
            HttpResponse<String> answer = send(request.header("X-API-Key", path.apiKey).header("X-Echo", "echo-me").build());
            for (String header : List.of("set-cookie", "location", "access-control-allow-origin", "x-probe", "x-api-key",
                    "x-echo", "authorization")) {
                answer.headers().firstValue(header).ifPresent(value -> echoed.add(endpoint + ": " + header + ": " + value));
            }
        }
        assertEquals(List.of(), echoed, "request headers or parameters echoed as response headers");
    }

    // ---- 4. credentials and the media type come only from the real headers ----

    @Test
    void credentialsAndTheMediaTypeAreReadOnlyFromTheRealHeaders() throws Exception {
        String event = TestEvent.of(java.util.UUID.randomUUID().toString()).customer("C1").device("D001", 15, "C", "ERROR").json();
        assertEquals(401, post("/api/events?X-API-Key=" + path.apiKey, "application/json", event, false).statusCode());
        assertEquals(401, post("/api/events?Authorization=Bearer%20" + path.apiKey, "application/json", event, false)
                .statusCode());
        assertEquals(415, post("/api/events?Content-Type=application/json", "text/plain", event, true).statusCode());
        HttpResponse<String> accepted = post("/api/events", "application/json", event, true);
        assertEquals(202, accepted.statusCode(), "the real header works: " + accepted.body());
    }

    // ---- 5. nothing is open without credentials ----

    @Test
    void everyReadAsksForCredentials() throws Exception {
        List<String> open = new ArrayList<>();
        for (String endpoint : List.of("/", "/index.html", "/dashboard.js", "/api/devices", "/api/status", "/api/metrics",
                "/api/openapi.json", "/api/anomalies", "/observe/metrics", "/observe/jolokia/version",
                "/observe/jolokia/read/java.lang:type=Runtime/Uptime", "/observe/health?exposureLevel=full",
                "/observe/health")) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(path.http(pipeline, endpoint)).build());
            if (answer.statusCode() != 401) {
                open.add(endpoint + " -> " + answer.statusCode());
            }
            HttpResponse<String> wrong = send(HttpRequest.newBuilder(path.http(pipeline, endpoint))
                    .header("Authorization", ProductionPath.basic(ProductionPath.READ_USER, "wrong")).build());
            if (wrong.statusCode() != 401) {
                open.add(endpoint + " with a wrong password -> " + wrong.statusCode());
            }
        }
        // the read user cannot operate
        for (String endpoint : List.of("/observe/metrics", "/observe/jolokia/version", "/observe/health?exposureLevel=full")) {
            int status = send(path.asReader(pipeline, endpoint).build()).statusCode();
            if (status != 403) {
                open.add(endpoint + " as the read user -> " + status);
            }
        }
        assertEquals(List.of(), open, "endpoints that answered without the right credentials");
        // the probes stay open for the orchestrator, and tell nothing but UP or DOWN
        HttpResponse<String> live = send(HttpRequest.newBuilder(path.http(pipeline, "/observe/health/live?exposureLevel=full")).build());
        assertEquals(200, live.statusCode());
        assertFalse(live.body().contains("checks"), "a probe without credentials shows no details: " + live.body());
        assertEquals(401, send(HttpRequest.newBuilder(path.http(pipeline, "/api/devices"))
                .header("X-API-Key", path.apiKey).build()).statusCode(), "the ingest key does not read");
        assertEquals(200, send(path.asReader(pipeline, "/api/devices").build()).statusCode());
        assertEquals(200, send(path.asOperator(pipeline, "/observe/metrics").build()).statusCode());
        // nor is the broker open: a producer without the SCRAM login cannot publish around the ingest key
        java.util.Properties plain = new java.util.Properties();
        plain.put("bootstrap.servers", path.brokers);
        plain.put("max.block.ms", "5000");
        plain.put("delivery.timeout.ms", "6000");
        plain.put("request.timeout.ms", "5000");
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(plain,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> producer.send(
                    new org.apache.kafka.clients.producer.ProducerRecord<>("device_stream", "x",
                            TestEvent.of(java.util.UUID.randomUUID().toString()).customer("C1").device("D001", 15, "C", "ERROR").json())).get(20, TimeUnit.SECONDS),
                    "a plaintext producer without credentials published to the broker");
        }
        // the API's port does not serve the operations endpoints, and the management port not the API
        assertEquals(404, send(path.asOperator(pipeline, "/api/devices").uri(
                path.http(pipeline, "/observe/x").resolve("/api/devices")).build()).statusCode());
        assertEquals(404, send(path.asOperator(pipeline, "/observe/metrics").uri(
                path.http(pipeline, "/api/x").resolve("/observe/metrics")).build()).statusCode());
    }

    // ---- 6. the probes answer under load ----

    @Test
    void probesAnswerWhileFiftyClientsHammerTheApiAndTheHealthEndpoint() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(50);
        for (int i = 0; i < 50; i++) {
            String endpoint = i % 2 == 0 ? "/observe/health?exposureLevel=full" : "/api/devices";
            clients.submit(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (running.get() && System.nanoTime() < deadline) {
                    HttpRequest request = (endpoint.startsWith("/observe") ? path.asOperator(pipeline, endpoint)
                            : path.asReader(pipeline, endpoint)).timeout(Duration.ofSeconds(10)).build();
                    http.send(request, HttpResponse.BodyHandlers.discarding());
                }
                return null;
            });
        }
        // the orchestrator is a client of its own
        HttpClient kubelet = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Long> millis = new ArrayList<>();
        try {
            Thread.sleep(2000);
            for (int i = 0; i < 40; i++) {
                for (String probe : List.of("/observe/health/live", "/observe/health/ready")) {
                    long start = System.nanoTime();
                    HttpResponse<String> answer = kubelet.send(HttpRequest.newBuilder(path.http(pipeline, probe))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    millis.add((System.nanoTime() - start) / 1_000_000);
                    assertEquals(200, answer.statusCode(), probe + ": " + answer.body());
                }
                Thread.sleep(100);
            }
        } finally {
            running.set(false);
            clients.shutdown();
            clients.awaitTermination(30, TimeUnit.SECONDS);
        }
        Collections.sort(millis);
        long p50 = millis.get(millis.size() / 2);
        long p99 = millis.get((int) Math.ceil(millis.size() * 0.99) - 1);
        System.out.printf("security: probes under 50 clients: %d answers, p50 %d ms, p99 %d ms, max %d ms%n",
                millis.size(), p50, p99, millis.get(millis.size() - 1));
        // not a speed target but the orchestrator's limit: a probe slower than its 1 s timeout restarts the pod
        assertTrue(millis.get(millis.size() - 1) < 1000, "every probe within Kubernetes' 1 s timeout: " + millis);
    }

    // ---- 7. HTTP bad input gets a clear answer ----

    @Test
    void badHttpInputIsRefusedWithTheReason() throws Exception {
        String id = java.util.UUID.randomUUID().toString();
        String event = TestEvent.of(id).customer("C1").device("D001", 15, "C", "ERROR").json();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("trailing tokens", event + "xyz");
        bodies.put("two concatenated events", event + TestEvent.of(java.util.UUID.randomUUID().toString()).customer("C1").device("D001", 15, "C", "ERROR").json());
        bodies.put("duplicate keys", event.replace("{\"eventId\":\"" + id + "\",", "{\"eventId\":\"" + id
                + "\",\"eventId\":\"" + java.util.UUID.randomUUID() + "\","));
        List<String> accepted = new ArrayList<>();
        for (var body : bodies.entrySet()) {
            HttpResponse<String> answer = post("/api/events", "application/json", body.getValue(), true);
            if (answer.statusCode() != 400 || !answer.body().contains("error")) {
                accepted.add(body.getKey() + " -> " + answer.statusCode() + " " + answer.body());
            }
        }
        // overlong UTF-8 for '/': C0 AF
        byte[] overlong = event.replace("C1", "C1\u0000").getBytes(StandardCharsets.UTF_8);
        int nul = indexOf(overlong, (byte) 0);
        overlong[nul] = (byte) 0xC0;
        byte[] withOverlong = new byte[overlong.length + 1];
        System.arraycopy(overlong, 0, withOverlong, 0, nul + 1);
        withOverlong[nul + 1] = (byte) 0xAF;
        System.arraycopy(overlong, nul + 1, withOverlong, nul + 2, overlong.length - nul - 1);
        HttpResponse<String> utf8 = send(HttpRequest.newBuilder(path.http(pipeline, "/api/events"))
                .header("X-API-Key", path.apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(withOverlong)).build());
        if (utf8.statusCode() != 400) {
            accepted.add("overlong UTF-8 -> " + utf8.statusCode() + " " + utf8.body());
        }
        for (String mediaType : List.of("application/xml; x=json", "application/jsonp", "text/json-ish",
                "application/json-patch+json")) {
            int status = post("/api/events", mediaType, event, true).statusCode();
            if (status != 415) {
                accepted.add("Content-Type " + mediaType + " -> " + status);
            }
        }
        HttpResponse<String> withCharset = post("/api/events", "application/json; charset=utf-8", event, true);
        assertEquals(202, withCharset.statusCode(), withCharset.body());
        // one event just under the body limit cannot fit one Kafka record: 413 at once, not a 503 to retry forever
        String big = event.replace("\"eventPublisher\":\"device\"", "\"eventPublisher\":\"device\",\"note\":\""
                + "x".repeat(1_048_576 - event.length() - 40) + "\"");
        HttpResponse<String> tooBig = post("/api/events", "application/json", big, true);
        if (tooBig.statusCode() != 413) {
            accepted.add("event of " + big.length() + " bytes -> " + tooBig.statusCode() + " " + abbreviate(tooBig.body()));
        }
        for (String query : List.of("/api/metrics?from=%2B999999999-12-31T23:59:59", "/api/metrics?to=-999999999-01-01T00:00:00",
                "/api/anomalies?from=%2B10000-01-01T00:00:00", "/api/late?from=0001-01-01T00:00:00&to=%2B999999999-12-31T23:59:59")) {
            HttpResponse<String> answer = send(path.asReader(pipeline, query).build());
            if (answer.statusCode() != 400 || !answer.body().contains("error")) {
                accepted.add(query + " -> " + answer.statusCode() + " '" + answer.body() + "'");
            }
        }
        assertEquals(List.of(), accepted, "bad input that was not refused with a reason");

        // the dashboard carries the security headers
        HttpResponse<String> dashboard = send(path.asReader(pipeline, "/").build());
        String csp = dashboard.headers().firstValue("content-security-policy").orElse("");
        assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"), "CSP: " + csp);
        assertEquals("nosniff", dashboard.headers().firstValue("x-content-type-options").orElse(""));
    }

    @Test
    void silentConnectionsAreClosedAndH2cIsRefused() throws Exception {
        URI api = path.http(pipeline, "/");
        try (Socket silent = new Socket(api.getHost(), api.getPort())) {
            silent.setSoTimeout(20_000);
            long start = System.nanoTime();
            int read = silent.getInputStream().read();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(-1, read, "the server closes a silent connection");
            assertTrue(seconds < 15, "closed after the idle timeout, took " + seconds + " s");
        }
        try (Socket half = new Socket(api.getHost(), api.getPort())) {
            half.setSoTimeout(20_000);
            half.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            half.getOutputStream().flush();
            assertEquals(-1, half.getInputStream().read(), "a request whose headers never end is cut");
        }
        try (Socket upgrade = new Socket(api.getHost(), api.getPort())) {
            upgrade.setSoTimeout(10_000);
            OutputStream out = upgrade.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nAuthorization: " + ProductionPath.basic(
                    ProductionPath.READ_USER, path.readPassword) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = upgrade.getInputStream();
            byte[] head = in.readNBytes(12);
            String status = new String(head, StandardCharsets.US_ASCII);
            assertNotEquals("HTTP/1.1 101", status, "h2c upgrade refused");
        }
    }

    // ---- helpers ----

    private HttpResponse<String> post(String uri, String contentType, String body, boolean withKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(path.http(pipeline, uri)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (withKey) {
            request.header("X-API-Key", path.apiKey);
        }
        return send(request.build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        answers.add(answer.headers().map() + " " + answer.body());
        return answer;
    }

    /** Refused by the HTTP layer (401/403/400/413) or by Jolokia's policy (status 403 in the answer or each part). */
    private static boolean refused(HttpResponse<String> answer) throws Exception {
        if (answer.statusCode() >= 400) {
            return true;
        }
        JsonNode json = json(answer);
        if (json.isArray()) {
            for (JsonNode part : json) {
                if (part.path("status").asInt() == 200) {
                    return false;
                }
            }
            return true;
        }
        return json.path("status").asInt() == 403;
    }

    private static String exec(String mbean, String operation) {
        return "{\"type\":\"exec\",\"mbean\":\"" + jsonEscape(mbean) + "\",\"operation\":\"" + operation + "\"}";
    }

    private static String jsonEscape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static JsonNode json(HttpResponse<String> answer) throws Exception {
        return EventJson.MAPPER.readTree(answer.body());
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static int indexOf(byte[] bytes, byte value) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
