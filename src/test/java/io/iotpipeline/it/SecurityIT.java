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
import io.iotpipeline.domain.EventJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
        List<String> settings = new ArrayList<>(List.of("-Dsimulator.eventsPerSecond=20", "-Dhttp.idleTimeoutSeconds=3",
                "-Dingest.http.customerKeys=" + TENANT + " = " + TENANT_KEY));
        if (Mosquitto.available()) {
            // access control is on: the broker refuses anonymous clients and the pipeline logs in
            mosquitto = new Mosquitto(path.workDir.resolve("mosquitto.log"), "iot-pipeline",
                    "mqtt-" + java.util.UUID.randomUUID());
            settings.addAll(List.of("-Dmqtt.enabled=true", "-Dmqtt.brokerUrl=" + mosquitto.url(),
                    "-Dmqtt.username=" + mosquitto.user, "-Dmqtt.password=" + mosquitto.password));
        }
        pipeline = path.startPipeline("pipeline", settings);
        path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
    }

    /** A customer whose own ingest key may post only its events (ingest.http.customerKeys). */
    static final String TENANT = "CI00570";
    static final String TENANT_KEY = "tenant-key-" + java.util.UUID.randomUUID();
    private Mosquitto mosquitto;

    @AfterEach
    void everyRouteStillStartedAndNoSecretShown() throws Exception {
        JsonNode routes = json(send(path.asOperator(pipeline, "/observe/jolokia/read/" + CONTEXT
                + ",type=routes,name=*/State").build()));
        assertTrue(routes.path("value").size() >= 5, "routes listed: " + routes);
        routes.path("value").forEach(route -> assertEquals("Started", route.path("State").asText(), routes::toString));
        for (String answer : answers) {
            for (String secret : secrets()) {
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
        if (mosquitto != null) {
            mosquitto.close();
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
            // 400: a path not written plainly is refused by the first gate
            if (answer.statusCode() != 404 && answer.statusCode() != 400) {
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

    // ---- second round (issue 27): what an attacker still got through ----

    /** The secrets of the first round and the tenant's key. */
    private List<String> secrets() {
        List<String> secrets = new ArrayList<>(path.secrets());
        secrets.add(TENANT_KEY);
        return secrets;
    }

    /** 1. Authorisation is decided on the path the router serves: no spelling of a path gets around a rule. */
    @Test
    void everyRouteAnswersEachRoleOnlyOnItsOwnPathAndNoOtherSpellingGetsThrough() throws Exception {
        String reader = ProductionPath.basic(ProductionPath.READ_USER, path.readPassword);
        String operator = ProductionPath.basic(ProductionPath.OPERATE_USER, path.operatePassword);
        Map<String, String[]> roles = new java.util.LinkedHashMap<>();
        roles.put("nobody", new String[0]);
        roles.put("reader", new String[] {"Authorization", reader});
        roles.put("operator", new String[] {"Authorization", operator});
        roles.put("ingest key", new String[] {"X-API-Key", path.apiKey});
        // route -> the roles it answers with 2xx
        Map<String, List<String>> routes = new java.util.LinkedHashMap<>();
        for (String read : List.of("/api/status", "/api/devices", "/api/customers", "/api/openapi.json", "/",
                "/dashboard.js")) {
            routes.put("GET " + read, List.of("reader", "operator"));
        }
        for (String operate : List.of("/observe/health", "/observe/metrics", "/observe/jolokia/version")) {
            routes.put("GET " + operate, List.of("operator"));
        }
        routes.put("POST /api/events", List.of("ingest key"));
        List<String> wrong = new ArrayList<>();
        int stored = 0;
        for (var route : routes.entrySet()) {
            String method = route.getKey().substring(0, route.getKey().indexOf(' '));
            String plain = route.getKey().substring(method.length() + 1);
            List<String> forms = new ArrayList<>(List.of(plain));
            if (!plain.equals("/")) {
                String last = plain.substring(plain.lastIndexOf('/') + 1);
                String head = plain.substring(0, plain.lastIndexOf('/'));
                forms.addAll(List.of(plain + "/", plain + "//", plain + "/.", plain + "/%2e", head + "//" + last,
                        head + "/./" + last, head + "/x/../" + last, head + "/%" + Integer.toHexString(last.charAt(0))
                                + last.substring(1), plain.toUpperCase(java.util.Locale.ROOT), plain + ";x"));
                if (!plain.startsWith("/observe/jolokia")) {
                    // (in a Jolokia path an escaped slash is Jolokia's own syntax, for the operator only)
                    forms.add(plain + "%2F");
                }
            }
            for (String form : forms) {
                for (var role : roles.entrySet()) {
                    String eventId = java.util.UUID.randomUUID().toString();
                    HttpRequest.Builder request = HttpRequest.newBuilder(path.http(pipeline, form));
                    if (role.getValue().length > 0) {
                        request.header(role.getValue()[0], role.getValue()[1]);
                    }
                    if (method.equals("POST")) {
                        request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                TestEvent.of(eventId).customer("CI09101").timeNow().device("D001", 20, "C", "SUCCESS")
                                        .json()));
                    }
                    HttpResponse<String> answer = send(request.build());
                    boolean success = answer.statusCode() >= 200 && answer.statusCode() < 300;
                    boolean allowed = form.equals(plain) && route.getValue().contains(role.getKey());
                    if (success != allowed) {
                        wrong.add(method + " " + form + " as " + role.getKey() + " -> " + answer.statusCode());
                    }
                    if (method.equals("POST") && success) {
                        stored++;
                    }
                }
            }
        }
        assertEquals(List.of(), wrong, "answers that do not match the role and the path");
        assertEquals(1, stored, "only the ingest key on the plain path posts");
    }

    /** 2. Poison MQTT messages never block MQTT ingest: each is stored as a dead letter or acknowledged and counted. */
    @Test
    void poisonMqttMessagesOnAHugeTopicNeitherBlockNorComeBack() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(mosquitto != null, "Debian's mosquitto is not installed");
        Rows rows = path.rows();
        String longTopic = "devices/" + "x".repeat(285) + "/events";
        String[] poison = new String[25];
        for (int i = 0; i < poison.length; i++) {
            poison[i] = "poison " + i;
        }
        mosquitto.publish(longTopic, poison);
        String valid = java.util.UUID.randomUUID().toString();
        mosquitto.publish("devices/D001/events", TestEvent.of(valid).customer("CI09102").timeNow()
                .device("D001", 21, "C", "SUCCESS").json());
        Eventually.await(Duration.ofSeconds(60), "the valid MQTT event after 25 poison messages stored",
                () -> rows.count("select count(*) from iot_device_events where eventId = '" + valid + "'") == 1);
        Eventually.await(Duration.ofSeconds(30), "a dead letter for each poison message", () -> rows.count(
                "select count(*) from iot_dead_letters where reason like 'MQTT message: the body is not JSON%'"
                        + " and reason like '%source topic of 305 characters stored cut to 255%'") == poison.length);
    }

    /** 3. The broker's controller listener asks for the SCRAM user too; readiness sees Kafka refusing events. */
    @Test
    void theControllerListenerAsksForCredentialsAndReadinessSeesKafkaRefusingEvents() throws Exception {
        Map<String, Object> anonymous = Map.of("bootstrap.controllers", "localhost:" + path.controllerPort(1),
                "request.timeout.ms", 5000, "default.api.timeout.ms", 10000);
        var topicResource = new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "device_stream");
        Map<org.apache.kafka.common.config.ConfigResource, java.util.Collection<org.apache.kafka.clients.admin.AlterConfigOp>>
                shrink = Map.of(topicResource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", "16"),
                org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)));
        Map<String, Object> operator = new java.util.HashMap<>(path.kafkaClientProperties());
        operator.put("bootstrap.servers", path.brokers);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(operator)) {
            try (var intruder = org.apache.kafka.clients.admin.Admin.create(anonymous)) {
                var refused = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> intruder.incrementalAlterConfigs(shrink).all().get(20, java.util.concurrent.TimeUnit.SECONDS),
                        "an Admin without credentials changed device_stream through the controller listener");
                assertTrue(refused.getCause() instanceof org.apache.kafka.common.errors.AuthenticationException
                                || refused.getCause() instanceof org.apache.kafka.common.errors.TimeoutException,
                        "without credentials: " + refused.getCause());
            } catch (AssertionError intruded) {
                restoreMessageSize(admin, topicResource);
                throw intruded;
            }
            // the same port with the login answers: the refusal above is the listener's, not a wrong port
            Map<String, Object> signedIn = new java.util.HashMap<>(anonymous);
            signedIn.put("security.protocol", "SASL_PLAINTEXT");
            signedIn.put("sasl.mechanism", "PLAIN");
            signedIn.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                    + ProductionPath.KAFKA_USER + "\" password=\"" + path.kafkaPassword + "\";");
            try (var controller = org.apache.kafka.clients.admin.Admin.create(signedIn)) {
                assertNotNull(controller.describeCluster().clusterId().get(20, java.util.concurrent.TimeUnit.SECONDS));
            }
            // an operator with the broker's credentials lowers the limit: readiness must say events cannot be published
            admin.incrementalAlterConfigs(shrink).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            try {
                Eventually.await(Duration.ofSeconds(60), "readiness DOWN while Kafka refuses every event", () -> {
                    post("/api/events", "application/json", TestEvent.of(java.util.UUID.randomUUID().toString())
                            .customer("CI09103").timeNow().device("D001", 20, "C", "SUCCESS").json(), true);
                    return send(HttpRequest.newBuilder(path.http(pipeline, "/observe/health/ready")).build())
                            .statusCode() == 503;
                });
            } finally {
                restoreMessageSize(admin, topicResource);
            }
        }
        Rows rows = path.rows();
        long before = rows.count("select count(*) from iot_device_events where eventPublisher = 'simulator'"
                + " or eventPublisher <> 'simulator'");
        Eventually.await(Duration.ofSeconds(90), "readiness UP and the simulator publishing again once the limit is back",
                () -> send(HttpRequest.newBuilder(path.http(pipeline, "/observe/health/ready")).build()).statusCode() == 200
                        && rows.count("select count(*) from iot_device_events") > before + 20);
    }

    /**
     * 4. The zero-install run keeps its servers to its owner: passwords on PostgreSQL (the app a role of its own, no
     * superuser), a SCRAM user on Kafka, private data folders, no Unix socket, loopback Host names only, and a
     * database that stops when the app is killed.
     */
    @Test
    void theZeroInstallServersAskForCredentialsAndDieWithTheApp() throws Exception {
        java.nio.file.Path dir = path.workDir.resolve("zero-install");
        Files.createDirectories(dir);
        int http = EmbeddedServers.freePort();
        int kafka = EmbeddedServers.freePort();
        int postgres = EmbeddedServers.freePort();
        Process app = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dcamel.server.port=" + http, "-Dkafka.embedded.port=" + kafka,
                "-Dkafka.embedded.controllerPort=" + EmbeddedServers.freePort(), "-Ddb.embedded.port=" + postgres,
                "-Dsimulator.eventsPerSecond=10", "-jar",
                new java.io.File(System.getProperty("pipeline.jar", "target/iot-pipeline.jar")).getAbsolutePath())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("app.log").toFile()).start();
        try {
            Eventually.await(Duration.ofSeconds(120), "the zero-install run started", () -> Files.readString(
                    dir.resolve("app.log")).contains("Started ingest"));
            for (String folder : List.of("data", "data/postgres", "data/kafka")) {
                assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve(folder))), folder);
            }
            var credentials = io.iotpipeline.embedded.EmbeddedDatabase.Credentials.of(dir.resolve("data/postgres"))
                    .orElseThrow();
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    dir.resolve("data/postgres").resolve(io.iotpipeline.embedded.EmbeddedDatabase.CREDENTIALS))));
            String url = "jdbc:postgresql://localhost:" + postgres + "/postgres";
            org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> java.sql.DriverManager.getConnection(url, "postgres", "").close(), "no password, no connection");
            Rows app_ = new Rows(url, credentials.appUser(), credentials.appPassword());
            assertEquals("", new Rows(url, "postgres", credentials.superuserPassword()).query(
                    "SHOW unix_socket_directories").get(0).get("unix_socket_directories"), "no Unix socket anywhere");
            assertEquals(0, app_.count("select count(*) from pg_roles where rolname = current_user and rolsuper"),
                    "the app's role is no superuser");
            org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> app_.execute("COPY (SELECT 1) TO PROGRAM 'id > " + dir.resolve("pwned") + "'"));
            assertFalse(Files.exists(dir.resolve("pwned")));

            // Kafka: a client without the generated user can neither publish nor administer
            Map<String, Object> anonymous = Map.of("bootstrap.servers", "localhost:" + kafka,
                    "request.timeout.ms", 5000, "default.api.timeout.ms", 10000);
            try (var admin = org.apache.kafka.clients.admin.Admin.create(anonymous)) {
                org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> admin.deleteTopics(
                        List.of("device_stream")).all().get(20, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertTrue(io.iotpipeline.embedded.EmbeddedKafka.generatedSecurity(dir.resolve("data/kafka")).isPresent());

            // the HTTP server answers loopback names only (DNS rebinding)
            // (java.net.http will not set a Host header of its own: a raw request, as a browser would send it)
            try (Socket socket = new Socket("localhost", http)) {
                socket.getOutputStream().write(("GET /api/status HTTP/1.1\r\nHost: attacker.example:" + http
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 421", status, "a foreign Host name");
            }
            assertEquals(200, send(HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + http
                    + "/api/status")).build()).statusCode());

            long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("data/postgres/postmaster.pid")).get(0).trim());
            app.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            Eventually.await(Duration.ofSeconds(20), "PostgreSQL stopped after the app was killed",
                    () -> ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE);
        } finally {
            app.destroyForcibly();
        }
    }

    private static void restoreMessageSize(org.apache.kafka.clients.admin.Admin admin,
            org.apache.kafka.common.config.ConfigResource topic) throws Exception {
        admin.incrementalAlterConfigs(Map.of(topic, List.<org.apache.kafka.clients.admin.AlterConfigOp>of(
                new org.apache.kafka.clients.admin.AlterConfigOp(
                        new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", ""),
                        org.apache.kafka.clients.admin.AlterConfigOp.OpType.DELETE)))).all()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** 5. 202 means stored: what the consumer would refuse is refused at the door; a reading is stored once. */
    @Test
    void acceptedMeansStoredAndAReadingIsStoredOnceWhateverItsEventTime() throws Exception {
        Rows rows = path.rows();
        String ahead = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusHours(2)
                .format(io.iotpipeline.ingest.ReadingRules.EVENT_TIME_WRITTEN);
        HttpResponse<String> future = post("/api/events", "application/json", TestEvent.of(java.util.UUID.randomUUID()
                .toString()).customer("CI09104").time(ahead).device("D001", 20, "C", "SUCCESS").json(), true);
        assertEquals(400, future.statusCode(), future.body());
        assertTrue(future.body().contains("ahead of the pipeline clock"), future.body());
        HttpResponse<String> huge = post("/api/events", "application/json", TestEvent.of(java.util.UUID.randomUUID()
                .toString()).customer("CI09104").timeNow().devices("{\"deviceId\":\"D001\",\"temperature\":20,"
                + "\"measure\":\"C\",\"status\":\"SUCCESS\",\"hum\":1e999999}").json(), true);
        assertEquals(400, huge.statusCode(), huge.body());

        String eventId = java.util.UUID.randomUUID().toString();
        TestEvent first = TestEvent.of(eventId).customer("CI09104").timeNow().device("D001", 20, "C", "SUCCESS");
        assertEquals(202, post("/api/events", "application/json", first.json(), true).statusCode());
        Eventually.await(Duration.ofSeconds(60), "the first send stored",
                () -> rows.count("select count(*) from iot_device_events where eventId = '" + eventId + "'") == 1);
        assertEquals(202, post("/api/events", "application/json", first.json(), true).statusCode(),
                "an exact re-post stays an idempotent 202");
        HttpResponse<String> otherValue = post("/api/events", "application/json", TestEvent.of(eventId)
                .customer("CI09104").time(firstTime(rows, eventId)).device("D001", -50, "C", "SUCCESS").json(), true);
        assertEquals(409, otherValue.statusCode(), otherValue.body());
        String later = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
                .format(io.iotpipeline.ingest.ReadingRules.EVENT_TIME_WRITTEN);
        HttpResponse<String> otherTime = post("/api/events", "application/json", TestEvent.of(eventId)
                .customer("CI09104").time(later).device("D001", 20, "C", "SUCCESS").json(), true);
        assertEquals(409, otherTime.statusCode(), otherTime.body());
        assertTrue(otherTime.body().contains("already stored with eventTime"), otherTime.body());

        // the same through Kafka, around the API: a dead letter says so, and there is still one row
        path.topic("device_stream").send("CI09104", TestEvent.of(eventId).customer("CI09104").time(later)
                .device("D001", -50, "C", "SUCCESS").json());
        Eventually.await(Duration.ofSeconds(60), "the conflict's dead letter", () -> rows.count(
                "select count(*) from iot_dead_letters where eventId = '" + eventId + "' and reason like 'CONFLICT%'") == 1);
        assertEquals(1, rows.count("select count(*) from iot_device_events where eventId = '" + eventId + "'"));
        assertEquals(20.0, ((Number) rows.query("select temperature from iot_device_events where eventId = '" + eventId
                + "'").get(0).get("temperature")).doubleValue());
    }

    private static String firstTime(Rows rows, String eventId) throws Exception {
        return String.valueOf(rows.query("select to_char(eventTime, 'YYYY-MM-DD HH24:MI:SS.US') as t"
                + " from iot_device_events where eventId = '" + eventId + "'").get(0).get("t"));
    }

    /**
     * 6. A reading jsonb cannot hold is refused by the rules before its batch is written: the batch is not rewritten
     * row by row. Both drain times are printed (a figure, not an assertion: the machine is shared).
     */
    @Test
    void tenUnstorableReadingsInTenThousandAreRefusedByTheRulesNotByTheInsert() throws Exception {
        Rows rows = path.rows();
        // a first clean drain warms the pipeline up (the first one ran 3x slower whichever it was); then both, measured
        drainSeconds(rows, "CI09110", false);
        long withBad = drainSeconds(rows, "CI09106", true);
        long clean = drainSeconds(rows, "CI09105", false);
        System.out.println("security: 10,000 readings with 10 unstorable ones stored in " + withBad + " ms, without them in "
                + clean + " ms (" + String.format(java.util.Locale.ROOT, "%.2f", (double) withBad / Math.max(1, clean))
                + "x)");
        assertEquals(10, rows.count("select count(*) from iot_dead_letters where reason like"
                + " '%the field ''hum'' beyond deviceId%'"));
        assertEquals(0, rows.count("select count(*) from iot_dead_letters where reason like 'rejected by the database%'"
                + " and payload like '%1e999999%'"), "no batch of them was written row by row");
    }

    private long drainSeconds(Rows rows, String customer, boolean withBad) throws Exception {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            boolean bad = withBad && i % 1000 == 999;
            events.add(TestEvent.of(java.util.UUID.randomUUID().toString()).customer(customer).offset(10_001 + i)
                    .timeNow().devices("{\"deviceId\":\"D" + (i % 50) + "\",\"temperature\":20,\"measure\":\"C\","
                            + "\"status\":\"SUCCESS\"" + (bad ? ",\"hum\":1e999999" : "") + "}").json());
        }
        long started = System.nanoTime();
        path.topic("device_stream").send(customer, events.toArray(String[]::new));
        int good = withBad ? 9_990 : 10_000;
        Eventually.await(Duration.ofSeconds(180), good + " rows of " + customer,
                () -> rows.count("select count(*) from iot_device_events where customerId = '" + customer + "'") == good);
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** 7. A key bound to its customers posts only theirs; an eventOffset far outside its stream is refused. */
    @Test
    void aCustomerKeyPostsOnlyItsCustomersAndAForgedOffsetIsNoGap() throws Exception {
        Rows rows = path.rows();
        HttpResponse<String> foreign = send(HttpRequest.newBuilder(path.http(pipeline, "/api/events"))
                .header("Content-Type", "application/json").header("X-API-Key", TENANT_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(TestEvent.of(java.util.UUID.randomUUID().toString())
                        .customer("CI00100").timeNow().device("D001", 149, "C", "SUCCESS").json())).build());
        assertEquals(403, foreign.statusCode(), foreign.body());
        String own = java.util.UUID.randomUUID().toString();
        HttpResponse<String> mine = send(HttpRequest.newBuilder(path.http(pipeline, "/api/events"))
                .header("Content-Type", "application/json").header("X-API-Key", TENANT_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(TestEvent.of(own).customer(TENANT).offset(10_001).timeNow()
                        .device("D001", 21, "C", "SUCCESS").json())).build());
        assertEquals(202, mine.statusCode(), mine.body());
        Eventually.await(Duration.ofSeconds(60), "the tenant's event stored",
                () -> rows.count("select count(*) from iot_device_events where eventId = '" + own + "'") == 1);
        String forged = TestEvent.of(java.util.UUID.randomUUID().toString()).customer(TENANT).offset(999_999_999_999_999L)
                .timeNow().device("D002", 21, "C", "SUCCESS").json();
        HttpResponse<String> jump = send(HttpRequest.newBuilder(path.http(pipeline, "/api/events"))
                .header("Content-Type", "application/json").header("X-API-Key", TENANT_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(forged)).build());
        assertEquals(409, jump.statusCode(), jump.body());
        // a stream not stored yet: its offsets within one request are held to the same bound
        HttpResponse<String> fresh = send(HttpRequest.newBuilder(path.http(pipeline, "/api/events"))
                .header("Content-Type", "application/json").header("X-API-Key", TENANT_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("[" + TestEvent.of(java.util.UUID.randomUUID().toString())
                        .customer(TENANT).publisher("fresh").offset(0).timeNow().device("D003", 21, "C", "SUCCESS").json()
                        + "," + TestEvent.of(java.util.UUID.randomUUID().toString()).customer(TENANT).publisher("fresh")
                        .offset(999_999_999_999_999L).timeNow().device("D003", 21, "C", "SUCCESS").json() + "]")).build());
        assertEquals(409, fresh.statusCode(), fresh.body());
        path.topic("device_stream").send(TENANT, forged);
        Eventually.await(Duration.ofSeconds(60), "the forged offset's dead letter", () -> rows.count(
                "select count(*) from iot_dead_letters where reason like 'eventOffset 999999999999999 is more than%'") == 1);
        JsonNode gaps = json(send(path.asReader(pipeline, "/api/gaps").build()));
        gaps.path("streams").forEach(stream -> assertTrue(stream.path("missingEvents").asLong() < 1_000_000,
                "no quadrillion missing events: " + stream));
    }

    /** 8. One id rule: ingest refuses what the API and the dashboard could not show. */
    @Test
    void idsOutsideTheOneIdRuleAreRefusedAtTheDoor() throws Exception {
        for (String id : List.of("<b>C</b>", "D\u202E01", "D 01", "D\u0007")) {
            HttpResponse<String> answer = post("/api/events", "application/json", TestEvent.of(java.util.UUID.randomUUID()
                    .toString()).customer("CI09107").timeNow().device(id, 20, "C", "SUCCESS").json(), true);
            assertEquals(400, answer.statusCode(), id + ": " + answer.body());
        }
        HttpResponse<String> customer = post("/api/events", "application/json", TestEvent.of(java.util.UUID.randomUUID()
                .toString()).customer("CI 09107").timeNow().device("D001", 20, "C", "SUCCESS").json(), true);
        assertEquals(400, customer.statusCode(), customer.body());
        assertTrue(customer.body().contains("is not an id"), customer.body());
    }

    /** 9. No input can write a line of its own into the log. */
    @Test
    void inputCannotForgeALogLine() throws Exception {
        // valid JSON: the newline is an escape in the string, a character once read
        String forgery = EventJson.MAPPER.writeValueAsString("p\n15:36:00.000 ERROR [main] FAKE - pwned");
        java.util.function.LongFunction<String> event = offset -> TestEvent.of(java.util.UUID.randomUUID().toString())
                .customer("CI09108").offset(offset).publisher("FORGERY").timeNow().device("D001", 20, "C", "SUCCESS")
                .json().replace("\"FORGERY\"", forgery);
        HttpResponse<String> answer = post("/api/events", "application/json", event.apply(50_000), true);
        assertEquals(400, answer.statusCode(), answer.body());
        // around the API, with an offset gap, which the pipeline logs with the stream's publisher
        path.topic("device_stream").send("CI09108", event.apply(50_000), event.apply(50_010));
        Rows rows = path.rows();
        Eventually.await(Duration.ofSeconds(60), "both events handled", () -> rows.count(
                "select count(*) from iot_dead_letters where payload like '%FAKE - pwned%'") + rows.count(
                "select count(*) from iot_device_events where eventPublisher like '%FAKE - pwned%'") >= 2);
        Thread.sleep(7000); // the gap log runs every health.checkIntervalMs (5 s)
        for (String line : Files.readAllLines(path.log(pipeline))) {
            assertFalse(line.contains("FAKE") && line.indexOf("FAKE") < 40, "a forged line: " + line);
            assertFalse(line.chars().anyMatch(c -> c < 0x20 && c != '\t'), "a control character in: " + line);
        }
    }

    /** 10. The smaller findings. */
    @Test
    void theSmallerFindingsAreClosed() throws Exception {
        // double slashes are refused by the first gate, before Jolokia's policy
        assertEquals(400, send(path.asOperator(pipeline, "/observe/jolokia//notification/register").build()).statusCode());
        // a tampered cursor is the client's mistake
        String cursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "[\"lastSeen\",\"not a time\",\"CI00100\",\"D001\"]".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> tampered = send(path.asReader(pipeline, "/api/devices?sort=lastSeen&cursor=" + cursor).build());
        assertEquals(400, tampered.statusCode(), tampered.body());
        // an HTTP header named like a filter does not filter
        JsonNode all = json(send(path.asReader(pipeline, "/api/devices").build()));
        assertTrue(all.path("total").asLong() > 0, "devices to filter");
        JsonNode withHeader = json(send(path.asReader(pipeline, "/api/devices").header("customerId", "CI00999").build()));
        assertEquals(all.path("total").asLong(), withHeader.path("total").asLong(), withHeader.toString());
        // the replay names a redirect instead of calling it a rejection
        var redirector = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        redirector.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:1/elsewhere");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        redirector.start();
        try {
            var output = new java.io.ByteArrayOutputStream();
            int exit = new io.iotpipeline.replay.SampleReplay(java.net.URI.create("http://127.0.0.1:"
                    + redirector.getAddress().getPort() + "/api/events"), path.apiKey, 500, 1,
                    new java.io.PrintStream(output, true, StandardCharsets.UTF_8)).replay(List.of(
                            java.nio.file.Path.of("devices")));
            String said = output.toString(StandardCharsets.UTF_8);
            assertTrue(said.contains("a redirect to http://127.0.0.1:1/elsewhere") && !said.contains("  rejected"), said);
            assertNotEquals(0, exit);
        } finally {
            redirector.stop(0);
        }
        // guesses at the operator's password: after a few dozen that name waits, told for how long, although the
        // guesser also sends valid reader requests (they clear nothing), and the reader is not locked out meanwhile
        HttpResponse<String> last = null;
        for (int i = 0; i < 60 && (last == null || last.statusCode() != 429); i++) {
            last = send(path.asOperator(pipeline, "/observe/metrics").setHeader("Authorization",
                    ProductionPath.basic(ProductionPath.OPERATE_USER, "guess-" + i)).build());
            assertEquals(200, send(path.asReader(pipeline, "/api/status").build()).statusCode(), "the reader meanwhile");
        }
        assertEquals(429, last.statusCode(), "wrong passwords are slowed down");
        long wait = Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow());
        Thread.sleep(wait * 1000 + 200);
        assertEquals(200, send(path.asOperator(pipeline, "/observe/metrics").build()).statusCode());
        // guesses at the ingest key count as guesses at the key, whatever Basic user each one also claims: a new name
        // per request must not reset the count
        last = null;
        for (int i = 0; i < 60 && (last == null || last.statusCode() != 429); i++) {
            last = send(HttpRequest.newBuilder(path.http(pipeline, "/api/events")).header("Content-Type", "application/json")
                    .header("X-API-Key", "guess-" + i).header("Authorization", ProductionPath.basic("made-up-" + i, "x"))
                    .POST(HttpRequest.BodyPublishers.ofString("[]")).build());
        }
        assertEquals(429, last.statusCode(), "wrong ingest keys are slowed down, whatever user name comes with them");
        wait = Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow());
        Thread.sleep(wait * 1000 + 200);
        int afterwards = post("/api/events", "application/json", "[]", true).statusCode();
        assertTrue(afterwards != 401 && afterwards != 429, "the right key afterwards: " + afterwards);
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
