package io.iotpipeline.routes;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.iotpipeline.analytics.AnalyticsSettings;
import io.iotpipeline.analytics.BatchLateness;
import io.iotpipeline.config.Settings;
import io.iotpipeline.domain.DeviceStateChange;
import io.iotpipeline.ingest.PipelineClock;
import io.iotpipeline.ops.PipelineCounters;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Analyse stage. Classifies each Kafka batch by event time before it is stored (late readings flagged, readings beyond
 * the horizon or from the future to dead letters), and watches device health: a device silent for longer than the
 * threshold becomes SILENT, and each state change and each change in missing events is logged once.
 * <p>
 * The windowed metrics, device totals and eventOffset gaps themselves are kept by the database, in the transaction that
 * stores the rows (trigger in {@code sql/V2__stream_analytics.sql}), which is what keeps them exact under replay.
 */
public class AnalyseRoute extends RouteBuilder {





    @Override
    public void configure() {
        AnalyticsSettings settings = Settings.bound(getContext(), AnalyticsSettings.class, AnalyticsSettings::from);
        Duration silentAfter = settings.silentAfter();

        from("direct:classify-lateness").routeId("classify-lateness").startupOrder(6)
                .routeConfigurationId(DatabaseRetriesConfiguration.READS)
                .setVariable(BatchLateness.READINGS, body()).id("keep-batch-readings")
                .to("sql:classpath:statements/load-watermarks.sql?dataSource=#dataSource&outputType=SelectList").id("load-watermarks")
                .bean("batchLateness", "classify").id("classify-by-event-time")
                .split(variable(BatchLateness.DEAD_LETTERS)).stopOnException().id("split-too-late-or-early")
                    .to("direct:store-dead-letter").id("store-too-late-or-early")
                .end();

        from("timer:watch-device-health?period={{health.checkIntervalMs}}").routeId("watch-device-health")
                .routeConfigurationId(DatabaseRetriesConfiguration.READS)
                .autoStartup("{{health.enabled}}")
                .setBody(exchange -> Map.of(
                        "silentBefore", OffsetDateTime.now(clock(exchange).withZone(ZoneOffset.UTC)).minus(silentAfter),
                        "thresholdSeconds", silentAfter.toSeconds()))
                .to("sql:classpath:statements/mark-silent-devices.sql?dataSource=#dataSource").id("mark-silent-devices")
                .to("sql:classpath:statements/take-state-changes.sql?dataSource=#dataSource&outputType=SelectList")
                        .id("take-state-changes")
                .process(AnalyseRoute::countStateChanges)
                .setBody(exchange -> DeviceStateChange.logLines(changes(exchange)))
                .split(body())
                    .log(LoggingLevel.INFO, "io.iotpipeline.devices", "${body}")
                .end()
                .to("sql:classpath:statements/take-stream-gaps.sql?dataSource=#dataSource&outputType=SelectList").id("take-stream-gaps")
                .split(body())
                    .log(LoggingLevel.INFO, "io.iotpipeline.devices", "Event stream ${body[customerId]}/"
                            + "${body[eventPublisher]}: ${body[missingEvents]} events missing between eventOffset"
                            + " ${body[firstOffset]} and ${body[lastOffset]} (${body[eventsSeen]} stored)")
                .end();
    }

    static Clock clock(Exchange exchange) {
        return PipelineClock.of(exchange);
    }

    @SuppressWarnings("unchecked")
    static List<DeviceStateChange> changes(Exchange exchange) {
        return exchange.getVariable("stateChanges", List.class);
    }

    @SuppressWarnings("unchecked")
    static void countStateChanges(Exchange exchange) {
        List<DeviceStateChange> changes = ((List<Map<String, Object>>) exchange.getMessage().getBody(List.class))
                .stream().map(DeviceStateChange::of).toList();
        exchange.setVariable("stateChanges", changes);
        PipelineCounters.of(exchange).deviceStateChanges(changes);
    }
}
