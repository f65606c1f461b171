package io.iotpipeline.routes;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.iotpipeline.anomaly.DetectionSettings;
import io.iotpipeline.api.ApiQuery;
import io.iotpipeline.api.ApiRequests;
import io.iotpipeline.api.ApiSettings;
import io.iotpipeline.api.FleetPage;
import io.iotpipeline.ingest.MeasurementCatalog;
import io.iotpipeline.ingest.ReadingRules;
import io.iotpipeline.settings.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Serve stage: the REST API the live dashboard and other clients read, on the embedded HTTP server, as its contract
 * {@code api/openapi.yaml} describes it (served at {@code /api/openapi.json}). Each answer is built as JSON by PostgreSQL from the maintained tables and views (one statement, exact numbers, ISO times), so
 * requests cost milliseconds at any table size. Parameters are checked by {@link ApiQuery}: 400 with the reason, 404
 * for an unknown device, and every list capped by {@code api.maxRows}.
 */
public class ServeRoute extends RouteBuilder {









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
        answer("/customers", "api-customers", query -> query.id("cursor", false).limit(maxRows, maxRows));
        answer("/devices/{deviceId}", "api-device", query -> query.id("deviceId", true).id("customerId", false)
                .limit(50, maxRows));
        // temperature (the seed's) and every measurement of the catalog (measurements.yaml)
        ReadingRules rules = getContext().getRegistry().lookupByNameAndType("readingRules", ReadingRules.class);
        MeasurementCatalog catalog = rules.catalog();
        DetectionSettings detection = Settings.bound(getContext(), DetectionSettings.class, DetectionSettings::from);
        java.util.List<String> measurements = java.util.stream.Stream.concat(java.util.stream.Stream.of("temperature"),
                catalog.definitions().stream().map(MeasurementCatalog.Definition::name)).toList();
        String catalogRows = catalog.asJson(rules.temperature(), detection.detectors().enabledDetectors(),
                detection.enabled());
        answer("/measurements", "api-measurements", query -> query.fixed("catalog", catalogRows));
        answer("/metrics", "api-metrics", query -> query.id("deviceId", false).id("customerId", false)
                .oneOf("measurement", measurements, "temperature")
                .time("from", nowUtc().minusHours(1)).time("to", nowUtc().plusMinutes(1)).ordered("from", "to")
                .limit(maxRows, maxRows));
        answer("/status", "api-status", query -> query);
        answer("/late", "api-late", query -> query.time("from", nowUtc().minusHours(1)).time("to", nowUtc().plusMinutes(1))
                .ordered("from", "to").limit(100, maxRows));
        answer("/silent", "api-silent", query -> query.limit(maxRows, maxRows));
        answer("/gaps", "api-gaps", query -> query.limit(maxRows, maxRows));
        answer("/ingest", "api-ingest", query -> query.limit(60, 60));
        answer("/anomalies", "api-anomalies", query -> query.id("deviceId", false).id("customerId", false)
                .oneOf("detector", DETECTORS).time("from", nowUtc().minusHours(1)).time("to", nowUtc().plusMinutes(1))
                .ordered("from", "to").limit(100, maxRows));
    }

    /**
     * A route for one GET of the contract: checks the request's parameters, runs the statement (for the fleet, the
     * one of its sort) and answers its JSON, or 404 when it is null. The statement is {@code statements/<name>.sql}.
     */
    private void answer(String path, String name, ApiRequests.Parameters parameters) {
        answer(path, name, "classpath:statements/" + name + ".sql", null, parameters);
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
