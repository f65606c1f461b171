package io.iotpipeline.it;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.iotpipeline.TestEvent;
import io.iotpipeline.apiclient.ApiClient;
import io.iotpipeline.apiclient.ApiException;
import io.iotpipeline.apiclient.api.AnomaliesApi;
import io.iotpipeline.apiclient.api.DataQualityApi;
import io.iotpipeline.apiclient.api.FleetApi;
import io.iotpipeline.apiclient.api.IngestApi;
import io.iotpipeline.apiclient.api.ReadingsApi;
import io.iotpipeline.apiclient.model.Accepted;
import io.iotpipeline.apiclient.model.Device;
import io.iotpipeline.apiclient.model.DevicePage;
import io.iotpipeline.apiclient.model.DeviceState;
import io.iotpipeline.apiclient.model.ReadingStatus;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.routes.ServeRoute;
import org.apache.camel.Route;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API as a client generated from its contract (src/main/resources/api/openapi.yaml, openapi-generator's Java
 * client, built in generate-test-sources) sees it, against the running pipeline on real Kafka and PostgreSQL: every
 * operation is called and its answer read into the typed model, with unknown properties refused and every required
 * property present, so the contract and the code cannot drift apart. The fleet is paged to its end in two sorts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiClientIT {

    private Main main;
    private Rows rows;
    private ApiClient client;

    @BeforeAll
    void startPipeline() throws Exception {
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-api-client-it");
        servers.properties().put("simulator.enabled", "false");
        main = servers.startPipeline();
        rows = servers.rows();
        ObjectMapper strict = ApiClient.createDefaultObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        client = new ApiClient(java.net.http.HttpClient.newBuilder(), strict, "http://localhost:" + servers.httpPort() + "/api");
        // 3 customers x 5 devices x 2 events, one device reporting ERROR last: a fleet to filter, sort and page
        List<String> events = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (String customer : List.of("CI00401", "CI00402", "CI00403")) {
                for (int device = 1; device <= 5; device++) {
                    String status = customer.equals("CI00402") && device == 3 ? "ERROR" : "SUCCESS";
                    events.add(TestEvent.of(java.util.UUID.randomUUID().toString()).customer(customer).timeNow().device("D00" + device, 15 + device + round, "C", status).json());
                }
            }
        }
        Accepted accepted = new IngestApi(client).postEvents(EventJson.MAPPER.readTree("[" + String.join(",", events) + "]"));
        assertEquals(events.size(), accepted.getAccepted().size());
        assertEquals(1, new IngestApi(client).postEvents(EventJson.MAPPER.readTree(events.get(0))).getAccepted().size(),
                "a single event, not in an array");
        Eventually.await(Duration.ofSeconds(60), "the readings", () -> rows.count("select sum(readings) from device_health") == 30);
    }

    @AfterAll
    void stopPipeline() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void everyOperationOfTheContractIsServedAndNothingElse() throws Exception {
        JsonNode contract = new ObjectMapper(new YAMLFactory()).readTree(getClass().getClassLoader().getResource(ServeRoute.CONTRACT));
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = contract.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase() + " /api" + path.getKey()));
        }
        Set<String> served = new TreeSet<>();
        for (Route route : main.getCamelContext().getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.startsWith("platform-http:///api/") && !uri.contains("openapi.json")) {
                String method = uri.replaceFirst(".*httpMethodRestrict=([A-Z]+).*", "$1");
                served.add(method + " " + java.net.URLDecoder.decode(uri.replaceFirst("platform-http://", "")
                        .replaceFirst("\\?.*", ""), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertEquals(documented, served);
    }

    @Test
    void everyAnswerReadsIntoItsTypedModel() throws Exception {
        FleetApi fleet = new FleetApi(client);
        complete(fleet.listDevices(null, null, null, null, null, null, null));
        complete(fleet.getDevice("D001", "CI00401", 5));
        complete(fleet.listCustomers(null, null));
        ReadingsApi readings = new ReadingsApi(client);
        complete(readings.listMetrics(null, null, "CI00401", null, null, null));
        complete(readings.getStatusDistribution());
        complete(readings.getIngestRate(null));
        DataQualityApi quality = new DataQualityApi(client);
        complete(quality.listLateReadings(null, null, null));
        complete(quality.listSilentDevices(null));
        complete(quality.listEventStreamGaps(null));
        complete(new AnomaliesApi(client).listAnomalies(null, null, "spike", null, null, null));

        assertEquals(30, readings.getStatusDistribution().getTotal());
        assertEquals(3, fleet.listCustomers(null, null).getTotal());
        assertEquals(List.of("CI00402/D003"), fleet.listDevices(null, null, ReadingStatus.ERROR, null, null, null, null)
                .getDevices().stream().map(device -> device.getCustomerId() + "/" + device.getDeviceId()).toList());
        assertEquals(15, fleet.listDevices(null, DeviceState.ONLINE, null, null, null, null, null).getTotal());
        assertEquals(0, fleet.listDevices(null, DeviceState.SILENT, null, null, null, null, null).getTotal());
        assertEquals(3, fleet.listDevices(null, null, null, "D002", null, null, null).getTotal(), "search by deviceId");
        assertEquals(1, fleet.listDevices(null, null, null, "CI00403/D005", null, null, null).getTotal(), "search by both");
        assertEquals(5, fleet.listDevices("CI00401", null, null, null, null, null, null).getTotal());

        ApiException unknown = assertThrows(ApiException.class, () -> fleet.listDevices(null, null, null, null, "colour", null, null));
        assertEquals(400, unknown.getCode());
        ApiException missing = assertThrows(ApiException.class, () -> fleet.getDevice("D999", null, null));
        assertEquals(404, missing.getCode());
        assertTrue(missing.getResponseBody().contains("no such device"));
    }

    @Test
    void theFleetPagesToItsEndInEverySortWithoutRepeatingOrSkippingADevice() throws Exception {
        FleetApi fleet = new FleetApi(client);
        for (String sort : List.of("device", "-avgTemperatureC", "lastSeen", "-readings")) {
            List<String> seen = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                DevicePage page = fleet.listDevices(null, null, null, null, sort, 4, cursor);
                complete(page);
                for (Device device : page.getDevices()) {
                    seen.add(device.getCustomerId() + "/" + device.getDeviceId());
                    values.add(device.getAvgTemperatureC());
                }
                cursor = page.getNextCursor();
                pages++;
            } while (cursor != null && pages < 10);
            assertEquals(15, seen.size(), sort + ": " + seen);
            assertEquals(15, new HashSet<>(seen).size(), sort + " repeats a device: " + seen);
            if (sort.equals("-avgTemperatureC")) {
                for (int i = 1; i < values.size(); i++) {
                    assertTrue(values.get(i - 1) >= values.get(i), "descending: " + values);
                }
            }
            if (sort.equals("device")) {
                assertEquals(new TreeSet<>(seen).stream().toList(), seen);
            }
        }
        ApiException foreign = assertThrows(ApiException.class, () -> fleet.listDevices(null, null, null, null, "readings", 4,
                fleet.listDevices(null, null, null, null, "device", 4, null).getNextCursor()));
        assertEquals(400, foreign.getCode(), "a cursor of another sort");
    }

    @Test
    void anUnknownParameterIsRefusedNotIgnored() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        for (String path : List.of("/devices?stat=SILENT", "/status?limit=1", "/metrics?device=D001", "/customers?customer=CI00401")) {
            var answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.getBaseUri() + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(400, answer.statusCode(), path);
            assertTrue(answer.body().contains("unknown parameter"), answer.body());
        }
    }

    /** Every property the contract requires is present, through the whole answer (a required getter is @Nonnull). */
    private static void complete(Object model) throws Exception {
        assertNotNull(model);
        if (model instanceof Collection<?> items) {
            for (Object item : items) {
                complete(item);
            }
            return;
        }
        if (!model.getClass().getPackageName().equals("io.iotpipeline.apiclient.model") || model.getClass().isEnum()) {
            return;
        }
        for (Method getter : model.getClass().getMethods()) {
            if (!getter.getName().startsWith("get") || getter.getParameterCount() > 0 || getter.getDeclaringClass() != model.getClass()) {
                continue;
            }
            Object value = getter.invoke(model);
            if (getter.isAnnotationPresent(jakarta.annotation.Nonnull.class)) {
                assertNotNull(value, model.getClass().getSimpleName() + "." + getter.getName() + " is required");
            }
            if (value != null) {
                complete(value);
            }
        }
    }
}
