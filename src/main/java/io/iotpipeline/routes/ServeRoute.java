package io.iotpipeline.routes;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.iotpipeline.api.ApiQuery;
import io.iotpipeline.api.ApiRequests;
import io.iotpipeline.api.ApiSettings;
import io.iotpipeline.api.FleetPage;
import io.iotpipeline.config.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Serve stage: the REST API the live dashboard and other clients read, on the embedded HTTP server, as its contract
 * {@code api/openapi.yaml} describes it (served at {@code /api/openapi.json}). Each answer is built as JSON by PostgreSQL from the maintained tables and views (one statement, exact numbers, ISO times), so
 * requests cost milliseconds at any table size. Parameters are checked by {@link ApiQuery}: 400 with the reason, 404
 * for an unknown device, and every list capped by {@code api.maxRows}.
 */
public class ServeRoute extends RouteBuilder {

    static final String DEVICE = "SELECT CASE WHEN count(*) > 0 THEN json_build_object("
            + "'deviceId', CAST(:#deviceId AS text), 'customers', json_agg(h ORDER BY h.\"customerId\"),"
            + " 'recentReadings', (SELECT coalesce(json_agg(r), '[]') FROM ("
            + "SELECT eventId AS \"eventId\", customerId AS \"customerId\", eventTime AS \"eventTime\", status,"
            + " temperature, measure, temperatureCelsius AS \"temperatureCelsius\", late, ingestedAt AS \"ingestedAt\""
            + " FROM iot_device_events WHERE deviceId = :#deviceId"
            + " AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)"
            + " ORDER BY eventTime DESC LIMIT :#limit) r),"
            + " 'stateChanges', (SELECT coalesce(json_agg(c), '[]') FROM ("
            + "SELECT customerId AS \"customerId\", state, previousState AS \"previousState\", changedAt AS \"changedAt\""
            + " FROM device_state_changes WHERE deviceId = :#deviceId"
            + " AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)"
            + " ORDER BY changedAt DESC LIMIT 20) c))::text END FROM ("
            + "SELECT customerId AS \"customerId\", state, since, lastSeen AS \"lastSeen\", lastEventTime AS \"lastEventTime\","
            + " lastStatus AS \"lastStatus\", lastTemperature AS \"lastTemperature\", lastMeasure AS \"lastMeasure\","
            + " readings, round(temperatureSum / readings, 2) AS \"avgTemperatureC\", temperatureMin AS \"minTemperatureC\","
            + " temperatureMax AS \"maxTemperatureC\", successCount AS \"successCount\", errorCount AS \"errorCount\","
            + " standbyCount AS \"standbyCount\", lateCount AS \"lateCount\""
            + " FROM device_health WHERE deviceId = :#deviceId"
            + " AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)) h";

    static final String METRICS = "SELECT json_build_object('windowSeconds', metrics_window_seconds(),"
            + " 'from', CAST(:#from AS timestamp), 'to', CAST(:#to AS timestamp), 'count', count(*), 'limit', CAST(:#limit AS integer),"
            + " 'windows', coalesce(json_agg(w), '[]'))::text FROM ("
            + "SELECT customerId AS \"customerId\", deviceId AS \"deviceId\", windowStart AS \"windowStart\","
            + " windowEnd AS \"windowEnd\", readings, avgTemperatureC AS \"avgTemperatureC\","
            + " minTemperatureC AS \"minTemperatureC\", maxTemperatureC AS \"maxTemperatureC\","
            + " successCount AS \"successCount\", errorCount AS \"errorCount\", standbyCount AS \"standbyCount\","
            + " lateCount AS \"lateCount\" FROM v_temperature_over_time"
            + " WHERE windowStart >= :#from AND windowStart < :#to"
            + " AND (CAST(:#deviceId AS text) IS NULL OR deviceId = :#deviceId)"
            + " AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)"
            + " ORDER BY windowStart, customerId, deviceId LIMIT :#limit) w";

    static final String STATUS = "SELECT json_build_object('total', coalesce(sum(readings), 0),"
            + " 'statuses', json_agg(json_build_object('status', status, 'readings', readings,"
            + " 'sharePercent', sharePercent) ORDER BY status))::text FROM v_status_distribution";

    static final String LATE = "SELECT json_build_object('count', count(*), 'limit', CAST(:#limit AS integer),"
            + " 'lateReadings', coalesce(json_agg(l), '[]'),"
            + " 'windows', (SELECT coalesce(json_agg(w ORDER BY w.\"windowStart\"), '[]') FROM ("
            + "SELECT windowStart AS \"windowStart\", windowEnd AS \"windowEnd\", lateReadings AS \"lateReadings\","
            + " readings, latePercent AS \"latePercent\" FROM v_late_readings_per_window"
            + " WHERE windowStart >= :#from AND windowStart < :#to ORDER BY windowStart DESC LIMIT 1440) w))::text"
            + " FROM (SELECT eventId AS \"eventId\", customerId AS \"customerId\", deviceId AS \"deviceId\","
            + " eventTime AS \"eventTime\", ingestedAt AS \"ingestedAt\", status, temperature, measure"
            + " FROM iot_device_events WHERE late ORDER BY ingestedAt DESC LIMIT :#limit) l";

    static final String SILENT = "SELECT json_build_object('count', count(*), 'limit', CAST(:#limit AS integer),"
            + " 'devices', coalesce(json_agg(s), '[]'))::text FROM ("
            + "SELECT customerId AS \"customerId\", deviceId AS \"deviceId\", silentSince AS \"silentSince\","
            + " lastSeen AS \"lastSeen\", lastEventTime AS \"lastEventTime\", lastStatus AS \"lastStatus\","
            + " lastTemperature AS \"lastTemperature\", lastMeasure AS \"lastMeasure\","
            + " secondsSinceLastSeen AS \"secondsSinceLastSeen\" FROM v_silent_devices"
            + " ORDER BY silentSince, customerId, deviceId LIMIT :#limit) s";

    static final String GAPS = "SELECT json_build_object('count', count(*), 'limit', CAST(:#limit AS integer),"
            + " 'streams', coalesce(json_agg(g), '[]'))::text FROM ("
            + "SELECT customerId AS \"customerId\", eventPublisher AS \"eventPublisher\", firstOffset AS \"firstOffset\","
            + " lastOffset AS \"lastOffset\", eventsSeen AS \"eventsSeen\", missingEvents AS \"missingEvents\""
            + " FROM v_event_stream_gaps WHERE missingEvents > 0 ORDER BY missingEvents DESC, customerId LIMIT :#limit) g";

    static final String INGEST = "SELECT json_build_object('minutes', coalesce(json_agg(m ORDER BY m.minute), '[]'))::text"
            + " FROM (SELECT minute, readings, lateReadings AS \"lateReadings\", readingsPerSecond AS \"readingsPerSecond\", complete"
            + " FROM v_ingest_rate_per_minute ORDER BY minute DESC LIMIT :#limit) m";

    static final String ANOMALIES = "SELECT json_build_object('count', count(*), 'limit', CAST(:#limit AS integer),"
            + " 'anomalies', coalesce(json_agg(a), '[]'))::text FROM ("
            + "SELECT eventId AS \"eventId\", customerId AS \"customerId\", deviceId AS \"deviceId\", detector, score,"
            + " expectedLow AS \"expectedLow\", expectedHigh AS \"expectedHigh\", observed, eventTime AS \"eventTime\","
            + " detectedAt AS \"detectedAt\" FROM v_anomalies WHERE eventTime >= :#from AND eventTime < :#to"
            + " AND (CAST(:#deviceId AS text) IS NULL OR deviceId = :#deviceId)"
            + " AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)"
            + " AND (CAST(:#detector AS text) IS NULL OR detector = :#detector)"
            + " ORDER BY eventTime DESC LIMIT :#limit) a";

    static final java.util.List<String> DETECTORS = java.util.Arrays.stream(io.iotpipeline.anomaly.Detector.values())
            .map(io.iotpipeline.anomaly.Detector::id).toList();

    /** The API contract: every operation below is one of its paths, and IT tests call each through a client generated from it. */
    public static final String CONTRACT = "api/openapi.yaml";

    private final ApiRequests requests = new ApiRequests();

    @Override
    public void configure() throws Exception {
        bindToRegistry("apiRequests", requests);
        onException(ApiQuery.BadRequestException.class).handled(true).id("when-the-request-is-bad")
                .bean("apiRequests", "badRequest").id("answer-bad-request");
        onException(org.springframework.dao.DataAccessException.class, java.sql.SQLException.class).handled(true)
                .id("when-the-database-is-away")
                .bean("apiRequests", "unavailable").id("answer-database-unavailable");

        String contract = new ObjectMapper().writeValueAsString(new ObjectMapper(new YAMLFactory())
                .readTree(getClass().getClassLoader().getResource(CONTRACT)));
        from("platform-http:/api/openapi.json?httpMethodRestrict=GET").routeId("api-contract")
                .removeHeaders("*").id("drop-contract-request-headers")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json")).id("contract-as-json")
                .setBody(constant(contract)).id("answer-contract");

        int maxRows = Settings.bound(getContext(), ApiSettings.class, ApiSettings::from).maxRows();
        answer("/devices", "api-devices", query -> FleetPage.statement(ApiRequests.sortOf(query)), query -> query.id("customerId", false)
                .oneOf("state", java.util.List.of("ONLINE", "SILENT")).oneOf("status", java.util.List.of("SUCCESS", "ERROR", "STANDBY"))
                .search("search").oneOf("sort", FleetPage.SORTS).limit(maxRows, maxRows)
                .cursor(cursor -> FleetPage.position(ApiRequests.sortOf(query), cursor)));
        answer("/customers", "api-customers", FleetPage.CUSTOMERS, query -> query.id("cursor", false).limit(maxRows, maxRows));
        answer("/devices/{deviceId}", "api-device", DEVICE, query -> query.id("deviceId", true).id("customerId", false)
                .limit(50, maxRows));
        answer("/metrics", "api-metrics", METRICS, query -> query.id("deviceId", false).id("customerId", false)
                .time("from", nowUtc().minusHours(1)).time("to", nowUtc().plusMinutes(1)).ordered("from", "to")
                .limit(maxRows, maxRows));
        answer("/status", "api-status", STATUS, query -> query);
        answer("/late", "api-late", LATE, query -> query.time("from", nowUtc().minusHours(1)).time("to", nowUtc().plusMinutes(1))
                .ordered("from", "to").limit(100, maxRows));
        answer("/silent", "api-silent", SILENT, query -> query.limit(maxRows, maxRows));
        answer("/gaps", "api-gaps", GAPS, query -> query.limit(maxRows, maxRows));
        answer("/ingest", "api-ingest", INGEST, query -> query.limit(60, 60));
        answer("/anomalies", "api-anomalies", ANOMALIES, query -> query.id("deviceId", false).id("customerId", false)
                .oneOf("detector", DETECTORS).time("from", nowUtc().minusHours(1)).time("to", nowUtc().plusMinutes(1))
                .ordered("from", "to").limit(100, maxRows));
    }

    /**
     * A route for one GET of the contract: checks the request's parameters, runs the statement (for the fleet, the
     * one of its sort) and answers its JSON, or 404 when it is null.
     */
    private void answer(String path, String name, String sql, ApiRequests.Parameters parameters) {
        answer(path, name, sql, null, parameters);
    }

    /** The same for an operation whose statement depends on its parameters (camel-sql's CamelSqlQuery header). */
    private void answer(String path, String name, ApiRequests.Statement statement, ApiRequests.Parameters parameters) {
        answer(path, name, "SELECT 1", statement, parameters);
    }

    private void answer(String path, String name, String sql, ApiRequests.Statement statement,
                        ApiRequests.Parameters parameters) {
        requests.operation(name, path, parameters, statement);
        from("platform-http:/api" + path + "?httpMethodRestrict=GET").routeId(name)
                .bean("apiRequests", "check(*, '" + name + "')").id(name + "-parameters")
                .to("sql:" + sql + "?dataSource=#dataSource&outputType=SelectOne").id(name + "-query")
                .choice().id(name + "-found")
                    .when(body().isNull()).id(name + "-when-nothing-found")
                        .bean("apiRequests", "notFound").id(name + "-not-found")
                    .otherwise().id(name + "-when-found")
                        .setHeader(Exchange.CONTENT_TYPE, constant("application/json")).id(name + "-as-json")
                .end();
    }

    static LocalDateTime nowUtc() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }
}
