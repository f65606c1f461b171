package io.iotpipeline.routes;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import io.iotpipeline.serve.ApiQuery;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;

/**
 * Serve stage: the REST API the live dashboard and other clients read, on the embedded HTTP server. Each answer is
 * built as JSON by PostgreSQL from the maintained tables and views (one statement, exact numbers, ISO times), so
 * requests cost milliseconds at any table size. Parameters are checked by {@link ApiQuery}: 400 with the reason, 404
 * for an unknown device, and every list capped by {@code api.maxRows}.
 */
public class ServeRoute extends RouteBuilder {

    static final String DEVICES = "SELECT json_build_object('total', (SELECT count(*) FROM device_health"
            + " WHERE CAST(:#customerId AS text) IS NULL OR customerId = :#customerId),"
            + " 'count', count(*), 'limit', CAST(:#limit AS integer),"
            + " 'devices', coalesce(json_agg(d), '[]'))::text FROM ("
            + "SELECT customerId AS \"customerId\", deviceId AS \"deviceId\", state, since, lastSeen AS \"lastSeen\","
            + " lastEventTime AS \"lastEventTime\", lastStatus AS \"lastStatus\", lastTemperature AS \"lastTemperature\","
            + " lastMeasure AS \"lastMeasure\", readings, round(temperatureSum / readings, 2) AS \"avgTemperatureC\""
            + " FROM device_health WHERE (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)"
            + " ORDER BY customerId, deviceId LIMIT :#limit) d";

    static final String DEVICE = "SELECT CASE WHEN count(*) > 0 THEN json_build_object("
            + "'deviceId', CAST(:#deviceId AS text), 'customers', json_agg(h ORDER BY h.\"customerId\"),"
            + " 'recentReadings', (SELECT coalesce(json_agg(r), '[]') FROM ("
            + "SELECT eventId AS \"eventId\", customerId AS \"customerId\", eventTime AS \"eventTime\", status,"
            + " temperature, measure, temperatureCelsius AS \"temperatureCelsius\", late, ingestedAt AS \"ingestedAt\""
            + " FROM iot_device_events WHERE deviceId = :#deviceId"
            + " AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)"
            + " ORDER BY eventTime DESC LIMIT :#limit) r))::text END FROM ("
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
            + " FROM (SELECT minute, readings, lateReadings AS \"lateReadings\", readingsPerSecond AS \"readingsPerSecond\""
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

    @Override
    public void configure() {
        restConfiguration().component("platform-http").contextPath("/api").bindingMode(RestBindingMode.off)
                .apiContextPath("/openapi.json")
                .apiProperty("api.title", "iot-pipeline API")
                .apiProperty("api.version", "1")
                .apiProperty("api.description", "Device status, windowed metrics, late and missing data of the"
                        + " iot-pipeline, read from PostgreSQL. Times are UTC.");

        onException(ApiQuery.BadRequestException.class).handled(true)
                .process(exchange -> error(exchange, 400, exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                        Exception.class).getMessage()));

        rest("/devices").produces("application/json")
                .get().id("api-devices").description("Latest status of every device (device_health)")
                    .param().name("customerId").type(RestParamType.query).description("only this customer's devices").endParam()
                    .param().name("limit").type(RestParamType.query).dataType("integer").description("at most this many, up to api.maxRows").endParam()
                    .to("direct:api-devices")
                .get("/{deviceId}").id("api-device").description("One device with its recent readings; 404 when unknown")
                    .param().name("deviceId").type(RestParamType.path).endParam()
                    .param().name("customerId").type(RestParamType.query).description("when several customers have this deviceId").endParam()
                    .param().name("limit").type(RestParamType.query).dataType("integer").description("recent readings, default 50").endParam()
                    .to("direct:api-device");
        rest("/metrics").produces("application/json")
                .get().id("api-metrics").description("Windowed metrics per device (v_temperature_over_time)")
                    .param().name("deviceId").type(RestParamType.query).endParam()
                    .param().name("customerId").type(RestParamType.query).endParam()
                    .param().name("from").type(RestParamType.query).description("window start from, ISO date-time, UTC; default 1 hour ago").endParam()
                    .param().name("to").type(RestParamType.query).description("window start before, ISO date-time, UTC; default now").endParam()
                    .param().name("limit").type(RestParamType.query).dataType("integer").endParam()
                    .to("direct:api-metrics");
        rest("/status").produces("application/json")
                .get().id("api-status").description("Readings per status (v_status_distribution)").to("direct:api-status");
        rest("/late").produces("application/json")
                .get().id("api-late").description("Newest late readings, and late readings per window")
                    .param().name("from").type(RestParamType.query).description("windows from, default 1 hour ago").endParam()
                    .param().name("to").type(RestParamType.query).description("windows before, default now").endParam()
                    .param().name("limit").type(RestParamType.query).dataType("integer").endParam()
                    .to("direct:api-late");
        rest("/silent").produces("application/json")
                .get().id("api-silent").description("Devices that stopped reporting (v_silent_devices)")
                    .param().name("limit").type(RestParamType.query).dataType("integer").endParam()
                    .to("direct:api-silent");
        rest("/gaps").produces("application/json")
                .get().id("api-gaps").description("Event streams with missing eventOffsets (v_event_stream_gaps)")
                    .param().name("limit").type(RestParamType.query).dataType("integer").endParam()
                    .to("direct:api-gaps");
        rest("/anomalies").produces("application/json")
                .get().id("api-anomalies").description("Anomalies found by the detectors, newest first (v_anomalies)")
                    .param().name("deviceId").type(RestParamType.query).endParam()
                    .param().name("customerId").type(RestParamType.query).endParam()
                    .param().name("detector").type(RestParamType.query).description("spike, stuck, drift or error-burst").endParam()
                    .param().name("from").type(RestParamType.query).description("event time from, default 1 hour ago").endParam()
                    .param().name("to").type(RestParamType.query).description("event time before, default now").endParam()
                    .param().name("limit").type(RestParamType.query).dataType("integer").endParam()
                    .to("direct:api-anomalies");
        rest("/ingest").produces("application/json")
                .get().id("api-ingest").description("Readings stored per minute, newest 60 (v_ingest_rate_per_minute)")
                    .to("direct:api-ingest");

        int maxRows = Integer.parseInt(getContext().resolvePropertyPlaceholders("{{api.maxRows}}").trim());
        answer("api-devices", DEVICES, query -> query.id("customerId", false).limit(maxRows, maxRows));
        answer("api-device", DEVICE, query -> query.id("deviceId", true).id("customerId", false).limit(50, maxRows));
        answer("api-metrics", METRICS, query -> query.id("deviceId", false).id("customerId", false)
                .time("from", nowUtc().minusHours(1)).time("to", nowUtc().plusMinutes(1)).ordered("from", "to")
                .limit(maxRows, maxRows));
        answer("api-status", STATUS, query -> query);
        answer("api-late", LATE, query -> query.time("from", nowUtc().minusHours(1)).time("to", nowUtc().plusMinutes(1))
                .ordered("from", "to").limit(100, maxRows));
        answer("api-silent", SILENT, query -> query.limit(maxRows, maxRows));
        answer("api-gaps", GAPS, query -> query.limit(maxRows, maxRows));
        answer("api-ingest", INGEST, query -> query.limit(60, 60));
        answer("api-anomalies", ANOMALIES, query -> query.id("deviceId", false).id("customerId", false)
                .oneOf("detector", DETECTORS).time("from", nowUtc().minusHours(1)).time("to", nowUtc().plusMinutes(1))
                .ordered("from", "to").limit(100, maxRows));
    }

    interface Parameters {
        ApiQuery check(ApiQuery query) throws ApiQuery.BadRequestException;
    }

    /** A route that checks the request's parameters, runs the statement and answers its JSON, or 404 when it is null. */
    private void answer(String name, String sql, Parameters parameters) {
        from("direct:" + name).routeId(name)
                .process(exchange -> {
                    var request = exchange.getMessage();
                    Map<String, Object> values = parameters.check(
                            new ApiQuery(parameter -> request.getHeader(parameter, String.class))).values();
                    request.removeHeaders("*");
                    request.setBody(values);
                }).id(name + "-parameters")
                .to("sql:" + sql + "?dataSource=#dataSource&outputType=SelectOne").id(name + "-query")
                .process(exchange -> {
                    if (exchange.getMessage().getBody() == null) {
                        error(exchange, 404, "no such device");
                    } else {
                        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                    }
                });
    }

    static LocalDateTime nowUtc() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    static void error(Exchange exchange, int status, String message) throws Exception {
        var response = exchange.getMessage();
        response.removeHeaders("*");
        response.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        response.setHeader(Exchange.CONTENT_TYPE, "application/json");
        response.setBody(io.iotpipeline.domain.EventJson.MAPPER.writeValueAsString(Map.of("error", message)));
    }
}
